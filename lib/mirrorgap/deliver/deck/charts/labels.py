"""Point labels of the XY charts: wrapped on two lines at most, and placed beside their points so
that they overlap each other, the markers and the plot's edges as little as possible."""
from __future__ import annotations

from pptx.enum.chart import XL_LABEL_POSITION

from mirrorgap.deliver.deck.layout import Box

__all__ = ["POSITION", "place_labels", "plot_size", "wrap_label"]

# where a label goes (`place_labels`) as PowerPoint's data-label position
POSITION = {"right": XL_LABEL_POSITION.RIGHT, "left": XL_LABEL_POSITION.LEFT,
            "above": XL_LABEL_POSITION.ABOVE, "below": XL_LABEL_POSITION.BELOW}


def wrap_label(text: str, width: int = 20) -> str:
    """A point label on at most two lines, broken at the space nearest the middle when it is long."""
    text = str(text)
    if len(text) <= width or " " not in text:
        return text
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return text[:cut] + "\n" + text[cut + 1:]


def plot_size(box: Box) -> tuple[float, float]:
    """The plot area of an XY chart in inches, roughly: the box less axis labels, titles and legend."""
    return box.width / 914400 - 1.3, box.height / 914400 - 1.4


def place_labels(xs, ys, labels, *, x_range: tuple[float, float], y_range: tuple[float, float],
                 plot_size: tuple[float, float], font_pt: float = 10, marker_pt: float = 12) -> list[str]:
    """Choose for each point where its label goes ("right", "left", "above", "below") so labels overlap
    each other, the markers and the plot's edges as little as possible (greedy, in the order given).

    xs, ys: the points in data units; labels: their texts (lines split at "\n");
    x_range, y_range: the axes' limits; plot_size: the plot area in inches (width, height).
    """
    (x0, x1), (y0, y1) = x_range, y_range
    w_in, h_in = plot_size
    to_in = lambda x, y: ((x - x0) / (x1 - x0) * w_in, (y - y0) / (y1 - y0) * h_in)  # noqa: E731
    char_w, line_h, gap = font_pt * 0.62 / 72, font_pt * 1.4 / 72, (marker_pt / 2 + 4) / 72
    centres = [to_in(x, y) for x, y in zip(xs, ys)]
    marks = [(px - gap / 2, py - gap / 2, px + gap / 2, py + gap / 2) for px, py in centres]
    placed: list[tuple[float, float, float, float]] = []
    chosen = []

    def overlap(a, b) -> float:
        return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))

    def outside(r) -> float:
        inner = (max(r[0], 0), max(r[1], 0), min(r[2], w_in), min(r[3], h_in))
        area = (r[2] - r[0]) * (r[3] - r[1])
        kept = max(0.0, inner[2] - inner[0]) * max(0.0, inner[3] - inner[1])
        return area - kept

    for k, (x, y, text) in enumerate(zip(xs, ys, labels)):
        lines = str(text).split("\n")
        w, h = max(len(line) for line in lines) * char_w, len(lines) * line_h
        px, py = to_in(x, y)
        boxes = {"right": (px + gap, py - h / 2, px + gap + w, py + h / 2),
                 "left": (px - gap - w, py - h / 2, px - gap, py + h / 2),
                 "above": (px - w / 2, py + gap, px + w / 2, py + gap + h),
                 "below": (px - w / 2, py - gap - h, px + w / 2, py - gap)}
        others = placed + [m for j, m in enumerate(marks) if j != k]
        cost = {pos: sum(overlap(box, o) for o in others) + 2 * outside(box) + 1e-4 * i
                for i, (pos, box) in enumerate(boxes.items())}
        best = min(cost, key=cost.get)
        chosen.append(best)
        placed.append(boxes[best])
    return chosen
