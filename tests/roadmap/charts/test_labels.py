"""Greedy label placement (roadmap/charts/labels.py): labels never overlap, stay in the plot, keep off other marks'
centres, and take the first free spot in a fixed order."""

import random

from roadmap.charts.labels import GAP, Box, Mark, label_box, place_labels

AREA = Box(0, 0, 600, 400)


def test_a_lone_label_goes_right_of_its_mark():
    mark = Mark(100, 100, 10, "Spam classifier")
    [label] = place_labels([mark], AREA)
    assert (label.x, label.anchor) == (100 + 10 + GAP, "start")
    assert label.box == label_box(label.x, label.y, "start", "Spam classifier")


def test_a_label_moves_to_the_left_when_the_right_is_taken():
    first, second = Mark(100, 100, 10, "First project"), Mark(100, 104, 10, "Second project")
    placed = place_labels([first, second], AREA)
    assert [p.anchor for p in placed] == ["start", "end"]
    assert not placed[0].box.overlaps(placed[1].box)


def test_a_label_at_the_right_edge_goes_left():
    [label] = place_labels([Mark(590, 200, 5, "Near the edge")], AREA)
    assert label.anchor == "end" and label.box.inside(AREA)


def test_a_label_with_no_free_spot_is_left_out():
    tiny = Box(0, 0, 40, 40)
    assert place_labels([Mark(20, 20, 5, "A name far too long for this plot")], tiny) == []


def test_labels_keep_off_the_centre_of_other_marks():
    labelled, other = Mark(100, 100, 6, "Labelled"), Mark(140, 100, 20, "Big neighbour")
    [label] = place_labels([labelled], AREA, obstacles=[labelled, other])
    assert not label.box.overlaps(Box(134, 94, 146, 106))  # 6 px around the neighbour's centre
    assert label.anchor != "start"  # the right-hand spot would cover it


def test_many_crowded_labels_never_overlap_and_stay_inside_the_plot():
    rng = random.Random(7)
    marks = [Mark(rng.uniform(50, 550), rng.uniform(50, 350), rng.uniform(4, 30), f"Project {i}") for i in range(60)]
    placed = place_labels(marks, AREA, obstacles=marks)
    assert 0 < len(placed) < len(marks)  # crowded: some labels do not fit
    for i, a in enumerate(placed):
        assert a.box.inside(AREA)
        assert all(not a.box.overlaps(b.box) for b in placed[i + 1 :])
