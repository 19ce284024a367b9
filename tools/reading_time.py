"""Reading time per notebook, its visible code included, written into each title cell and the README.

A notebook is read at two paces: its prose at 200 words a minute (below the 238 a minute that Brysbaert's 2019
meta-analysis found for adults reading non-fiction silently, since this prose is technical), and
its visible code at 10 lines a minute. That rate is calibrated, not assumed: read as a learner who has done
fastai's chapter 4 reads them, notebooks 04 and the first 08 took 45 to 70 minutes (issue 32), which this count
gives at 10 lines a minute (53 and 46 minutes), and it is close to the pace at which reviewers prepare for a code
review, about 500 lines of application code an hour (Humphrey, 1989, as quoted in McConnell's Code Complete).
Folded content is not on the reading path and does not count: folded cells (checks, setup, solutions, figure code)
and the folded model answers (`<details>`); outputs are not counted either.

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
CODE_LINES_PER_MINUTE = 10


def words(book) -> int:
    """The words of the prose: every markdown cell, less what is folded in <details> (the model answers)."""
    cells = (c.source for c in book.cells if c.cell_type == "markdown")
    shown = (re.sub(r"<details>.*?</details>", "", text, flags=re.S) for text in cells)
    return sum(len(re.findall(r"\w+", text)) for text in shown)


def code_lines(book) -> int:
    """The non-blank lines of the code cells a reader sees unfolded (folded: `jupyter.source_hidden`)."""
    shown = [c for c in book.cells if c.cell_type == "code" and not c.metadata.get("jupyter", {}).get("source_hidden")]
    return sum(1 for c in shown for line in c.source.splitlines() if line.strip())


def minutes(book) -> int:
    return max(1, round(words(book) / WORDS_PER_MINUTE + code_lines(book) / CODE_LINES_PER_MINUTE))


def main(write: bool) -> None:
    times = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        book = nbformat.read(path, as_version=4)
        times[path.name] = minutes(book)
        print(f"{path.name:<34} {words(book):>5} words {code_lines(book):>4} code lines {times[path.name]:>3} minutes")
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
