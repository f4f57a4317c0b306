"""Geometry of the project page's ROI bar (``roadmap.charts.roi_bar``): P10-P90, P50 and the mean on one axis."""

from roadmap.charts.roi_bar import BAR_MARGIN, BAR_WIDTH, roi_bar
from roadmap.models import ProjectScore


def test_roi_bar_puts_zero_p10_p50_p90_and_mean_on_one_linear_axis():
    bar = roi_bar(ProjectScore(roi_p10=-1.0, roi_p50=0.0, roi_p90=3.0, expected_roi=1.0))
    inner = BAR_WIDTH - 2 * BAR_MARGIN
    assert bar.x_p10 == BAR_MARGIN and bar.x_p90 == BAR_MARGIN + inner
    assert bar.x_zero == bar.x_p50 == round(BAR_MARGIN + inner / 4, 1)
    assert bar.x_mean == round(BAR_MARGIN + inner / 2, 1)
    # an all-positive range still shows 0% at the left end of the axis
    positive = roi_bar(ProjectScore(roi_p10=0.5, roi_p50=1.0, roi_p90=2.0, expected_roi=1.1))
    assert positive.x_zero == BAR_MARGIN < positive.x_p10
    assert roi_bar(None) is None
    assert roi_bar(ProjectScore(roi_p10=None, roi_p50=None, roi_p90=None, expected_roi=None)) is None
