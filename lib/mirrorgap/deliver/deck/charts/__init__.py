"""Native, editable PowerPoint charts for the deck: the figures that go in (`rows`), the house style
(`style`) and one module per kind of chart (`bars`, `matrix`, `lines`; point labels in `labels`)."""
