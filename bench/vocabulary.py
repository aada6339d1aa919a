"""Regenerate indexer/vocab/thuocl_law.words from THUOCL's law lexicon (MIT), filtered for noise.

    .venv/bin/python -m bench.vocabulary path/to/THUOCL_law.txt

THUOCL (THU Open Chinese Lexicon, https://github.com/thunlp/THUOCL, MIT licence, © 2018 THUNLP) lists
words with the number of documents they occur in. Kept: Chinese-only words of 2 to 8 characters seen in
at least MIN_DF documents; dropped: book and article titles and other non-terms (TITLE_LIKE), foreign
statutes and place-bound regulations (PLACE_LIKE). Too-common words are not dropped here: related terms
skip any word in more than a share of the build's own paragraphs (indexer/search/features/related.py).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from bench.generate import REPO_ROOT

OUT = REPO_ROOT / "indexer" / "vocab" / "thuocl_law.words"
MIN_DF = 100
CJK = re.compile(r"^[\u4e00-\u9fff]{2,8}$")
TITLE_LIKE = re.compile(r"(研究|释义|解读|知识|问题|概论|导论|教程|学史|论文|案例|评析|手册|指南|汇编|实务|探讨|对策|之|的)")
PLACE_LIKE = re.compile(r"^(美国|英国|日本|德国|法国|台湾|香港|澳门|缅甸|欧洲|俄罗斯|韩国)")
HEADER = """# THUOCL law lexicon (THU Open Chinese Lexicon, https://github.com/thunlp/THUOCL), filtered by bench/vocabulary.py.
# MIT License. Copyright (c) 2018 THUNLP. Permission is hereby granted, free of charge, to any person obtaining a copy
# of this software and associated documentation files (the "Software"), to deal in the Software without restriction,
# including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
# copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following
# conditions: The above copyright notice and this permission notice shall be included in all copies or substantial
# portions of the Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,
# INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
# NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
# LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE
# SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
# One term a line (the document frequencies are left out).
"""


def keep(word: str, df: int) -> bool:
    """Whether a THUOCL law word is kept as an official term."""
    return df >= MIN_DF and bool(CJK.match(word)) and not TITLE_LIKE.search(word) and not PLACE_LIKE.match(word)


def main(argv: list[str]) -> int:
    """Filter the lexicon named on the command line into OUT."""
    words = []
    for line in Path(argv[0]).read_text(encoding="utf-8").splitlines():
        word, _tab, df = line.strip().partition("\t")
        if word and df.isdigit() and keep(word, int(df)):
            words.append(word)
    OUT.write_text(HEADER + "\n".join(dict.fromkeys(words)) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(words)} terms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
