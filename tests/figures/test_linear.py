"""Extraction stays linear in the paragraph's length on adversarial text (untrusted input): the CPU time for 8×
the text is compared with the time for 1× — a ratio, never a wall-clock limit. Quadratic work would show
as ≈ 64×; linear work as ≈ 8×."""

from __future__ import annotations

import time

import pytest

SMALL, LARGE = 4_000, 32_000  # characters
MAX_RATIO = 20  # 8× the text: linear is ≈ 8; the margin absorbs a busy machine, quadratic (≈ 64) does not fit
FLOOR_SECONDS = 0.001  # below this a measurement is timer noise: compare against at least this

ADVERSARIAL = {
    "one huge numeral": lambda n: "1" * n,
    "thousands groups": lambda n: "1" + ",111" * (n // 4),
    "dotted digits": lambda n: "1." * (n // 2),
    "middle dots": lambda n: "4·" * (n // 2),
    "percent words": lambda n: "增长百分之" * (n // 5),
    "Chinese numerals": lambda n: "一" * n,
    "ordinals": lambda n: "第一" * (n // 2),
    "one Chinese run before a unit": lambda n: "一" * n + "个",
    "Chinese counts back to back": lambda n: "三个" * (n // 2),
    "unclosed quotes": lambda n: "“" * n,
    "quoted numbers": lambda n: "“1件”" * (n // 4),
    "figures without a comma": lambda n: "审结1件" * (n // 4),
    "one clause per figure": lambda n: "审结1件，" * (n // 5),
    "changes joined by 和": lambda n: "同比下降1%和" * (n // 7),
    "changes in clauses": lambda n: "同比下降1%，" * (n // 7),
    "a long list before 各": lambda n: "甲、" * (n // 2) + "各1人",
    "figures joined by 、": lambda n: "1件、" * (n // 3),
    "years": lambda n: "2020年" * (n // 5),
    "a chain of ranges": lambda n: "1至" * (n // 2),
    "ranks": lambda n: "位居全省第一" * (n // 6),
    "的 before numbers": lambda n: "的1件" * (n // 3),
    "leading spaces": lambda n: " " * n + "审结1件" * 100,
    "open brackets": lambda n: "（" * n + "1件",
    "report sentences": lambda n: "审结一审刑事案件4732件，同比上升3.5%，其中涉黑恶案件12件36人，审结率100%，居全省第一。" * (n // 50),
}


def _cpu_seconds(extract, text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        extract(text)
        best = min(best, time.process_time() - start)
    return max(best, FLOOR_SECONDS)


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_extraction_grows_linearly(extract, name):
    make = ADVERSARIAL[name]
    small, large = _cpu_seconds(extract, make(SMALL)), _cpu_seconds(extract, make(LARGE))
    assert large / small < MAX_RATIO, f"{name}: {small * 1000:.2f} ms → {large * 1000:.2f} ms for 8× the text"
