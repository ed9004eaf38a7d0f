"""The funnel as a picture (PNG), for admins who read it on a phone.

matplotlib is imported here, lazily, with the Agg backend: the bot never opens a window and
does not pay matplotlib's import until an admin asks for a chart.
"""

from __future__ import annotations

import io
from collections.abc import Sequence


def funnel_png(title: str, labels: Sequence[str], counts: Sequence[int]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(7, 3.6), dpi=110)
    try:
        positions = list(range(len(labels)))[::-1]
        top = max(counts) if counts and max(counts) else 1
        axes.barh(positions, counts, color="#4a7bd0")
        axes.set_yticks(positions, labels)
        axes.set_xlim(0, top * 1.3)
        for i, (y, count) in enumerate(zip(positions, counts, strict=True)):
            share = f" · {count / counts[i - 1]:.0%}" if i and counts[i - 1] else ""
            axes.text(count + top * 0.02, y, f"{count}{share}", va="center")
        axes.set_title(title)
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png")
        return out.getvalue()
    finally:
        pyplot.close(figure)
