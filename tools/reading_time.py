"""Reading time per notebook, at 200 words a minute, written into each title cell and the README.

    python tools/reading_time.py          # print the times
    python tools/reading_time.py --write  # update "**Time:** about N minutes" and the README's course line
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
WORDS_PER_MINUTE = 200


def words(book) -> int:
    """The words a reader reads: every markdown cell (code and outputs are read at another pace, and vary)."""
    return sum(len(re.findall(r"\w+", c.source)) for c in book.cells if c.cell_type == "markdown")


def minutes(book) -> int:
    return max(1, round(words(book) / WORDS_PER_MINUTE))


def main(write: bool) -> None:
    times = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        book = nbformat.read(path, as_version=4)
        times[path.name] = minutes(book)
        print(f"{path.name:<28} {words(book):>5} words  {times[path.name]:>3} minutes")
        title = book.cells[0].source
        new = re.sub(r"(\*\*Time:\*\* about )\d+( minutes to read)", rf"\g<1>{times[path.name]}\g<2>", title)
        if write and new != title:
            book.cells[0].source = new
            nbformat.write(book, path)
    low, high, total = min(times.values()), max(times.values()), sum(times.values())
    print(f"course: {low} to {high} minutes to read, about {total} in all (longest / shortest {high / low:.2f})")
    if write:
        readme = ROOT / "README.md"
        text = readme.read_text()
        readme.write_text(re.sub(r"\d+ to \d+ minutes to read, about \d+ in all",
                                 f"{low} to {high} minutes to read, about {total} in all", text))


if __name__ == "__main__":
    main("--write" in sys.argv)
