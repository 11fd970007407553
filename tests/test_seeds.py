"""SplitMix64: known answers from the algorithm's definition, and vector/scalar agreement."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from forewarn.engine import seeds

MASK = (1 << 64) - 1


def reference_splitmix64(seed: int, n: int) -> list[int]:
    """Vigna's splitmix64.c ``next()``, written out from its definition on Python ints."""
    out, state = [], seed & MASK
    for _ in range(n):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        out.append(z ^ (z >> 31))
    return out


def test_stream_matches_the_reference_generator() -> None:
    for seed in (0, 1, 1234567, MASK):
        expected = reference_splitmix64(seed, 16)
        states = np.array([(seed + k * seeds.GOLDEN_GAMMA) & MASK for k in range(16)], dtype=np.uint64)
        assert seeds.splitmix64(states).tolist() == expected
        assert [seeds.splitmix64_scalar(int(s)) for s in states] == expected


def test_published_first_output_for_seed_zero() -> None:
    # the first value of splitmix64.c seeded with 0, as printed in its test vectors
    assert seeds.splitmix64_scalar(0) == 0xE220A8397B1DCDAF == reference_splitmix64(0, 1)[0]


def test_mix_is_a_bijection_on_a_sample() -> None:
    x = np.arange(100_000, dtype=np.uint64)
    assert np.unique(seeds.mix64(x)).size == x.size


uint64s = st.integers(min_value=0, max_value=MASK)


@given(st.lists(uint64s, min_size=1, max_size=50))
def test_vector_and_scalar_forms_agree(xs: list[int]) -> None:
    arr = np.array(xs, dtype=np.uint64)
    assert seeds.mix64(arr).tolist() == [seeds.mix64_scalar(x) for x in xs]
    assert seeds.splitmix64(arr).tolist() == [seeds.splitmix64_scalar(x) for x in xs]
    # the same integer operations on both paths: equality, not a tolerance
    assert seeds.seed_uniform(arr).tolist() == [seeds.seed_uniform_scalar(x) for x in xs]


@given(st.lists(st.integers(min_value=-(1 << 63), max_value=(1 << 63) - 1), min_size=1, max_size=20))
def test_signed_seeds_are_taken_modulo_two_to_the_64(xs: list[int]) -> None:
    signed = np.array(xs, dtype=np.int64)
    assert seeds.splitmix64(signed).tolist() == seeds.splitmix64(signed.astype(np.uint64)).tolist()
    assert seeds.seed_uniform(signed).tolist() == [seeds.seed_uniform_scalar(x) for x in xs]


@given(st.lists(uint64s, min_size=1, max_size=50))
def test_uniforms_lie_in_the_unit_interval(xs: list[int]) -> None:
    u = seeds.seed_uniform(np.array(xs, dtype=np.uint64))
    assert ((u >= 0.0) & (u < 1.0)).all()


def test_uniforms_are_roughly_uniform() -> None:
    u = seeds.seed_uniform(np.arange(200_000, dtype=np.uint64))
    counts = np.histogram(u, bins=20, range=(0, 1))[0]
    # chi-square with 19 degrees of freedom: 43.8 is its 0.999 quantile
    chi2 = ((counts - u.size / 20) ** 2 / (u.size / 20)).sum()
    assert chi2 < 43.8
