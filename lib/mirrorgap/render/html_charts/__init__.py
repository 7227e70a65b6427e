"""Charts drawn by the browser: HTML for every text, inline SVG for the marks (dots, intervals, bars).

Why not a picture: matplotlib draws text glyph by glyph, and a dashboard chart is mostly text, so a
PNG redraw after a filter change took 130–290 ms; these are strings built in a few milliseconds. Marks
are placed in percent of their plot's width (SVG lengths in %, no viewBox), texts are HTML in CSS
pixels: the same drawing fits a desktop and a 390 px phone without scaling its text down, and its
numbers stay text (crisp when zoomed, printed and read aloud). The report and the deck keep the
matplotlib charts (`mirrorgap.render.charts`) with the same data and the same house colours.
"""
