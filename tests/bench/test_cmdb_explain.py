"""The CMDB bench's check that the selector's impact walk is the old query's walk
(``bench.cmdb.explain.same_walk``): the selector stops at its row bound, depth by depth."""

from bench.cmdb.explain import same_walk

OLD = {(1, 1), (2, 1), (3, 2), (4, 2), (5, 3)}


def test_a_whole_walk_must_equal_the_old_one():
    assert same_walk(OLD, set(OLD), cut=False)
    assert not same_walk(OLD, OLD - {(5, 3)}, cut=False)


def test_a_walk_cut_at_its_bound_is_whole_before_its_last_depth():
    assert same_walk(OLD, {(1, 1), (2, 1), (3, 2)}, cut=True)
    assert same_walk(OLD, {(1, 1), (2, 1), (3, 2), (4, 2), (5, 3)}, cut=True)


def test_a_cut_walk_missing_an_earlier_depth_or_inventing_a_row_differs():
    assert not same_walk(OLD, {(1, 1), (3, 2)}, cut=True)  # depth 1 is not whole
    assert not same_walk(OLD, {(1, 1), (2, 1), (9, 2)}, cut=True)  # not in the old walk
    assert not same_walk(OLD, {(1, 1), (2, 1), (3, 2), (6, 1)}, cut=True)
