"""Analysis: clean answers to gap tables, NPS/eNPS, drivers, units, journeys, trends, themes, actions."""
