"""Rurality of a place: postcode density around it, classed by the declared thresholds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from caremarket.brokerage.zones.rurality import area_class, local_density, rurality_rule


def test_density_counts_postcodes_within_the_radius() -> None:
    """Postcodes within 1 km of a point over pi km²; those further away are not counted."""
    near = [(100.0 * i, 0.0) for i in range(10)]  # 0 to 900 m east
    far = [(5000.0, 5000.0)]
    density = local_density(near + far, [(0.0, 0.0), (20_000.0, 0.0)], radius_km=1.0)
    assert density[0] == pytest.approx(10 / math.pi)
    assert density[1] == 0.0


def test_classes_follow_the_declared_thresholds() -> None:
    """At or above the urban bound is urban, above the town bound town and fringe, else rural."""
    rule = rurality_rule()
    assert rule.measure == "postcode density"
    urban, town = rule.urban_min_postcodes_per_km2, rule.town_min_postcodes_per_km2
    assert area_class(urban, rule) == "urban"
    assert area_class(urban - 0.1, rule) == "town_and_fringe"
    assert area_class(town, rule) == "town_and_fringe"
    assert area_class(town - 0.1, rule) == "rural"
    assert area_class(None, rule) is None
    assert area_class(float("nan"), rule) is None


def test_no_postcodes_means_no_density() -> None:
    """With no postcodes every point has density 0 (rural), never an error."""
    assert local_density(np.zeros((0, 2)), [(0.0, 0.0)]).tolist() == [0.0]
