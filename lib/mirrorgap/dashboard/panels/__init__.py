"""The dashboard's panels, one view each (overview, mirror, gap table, units, item by item)."""
