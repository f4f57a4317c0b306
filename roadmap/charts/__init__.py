"""The SVG charts, one module per thing drawn.

Geometry (pure: no Django): ``roi`` (the leadership ROI chart), ``timeline`` (the roadmap's Gantt),
``value_curve`` (the value band chart), ``finish_cdf`` (a project's finish-date chart), ``roi_bar`` (a
project's ROI P10-P90 bar); ``ticks`` holds the axes and ticks they share. Markup: ``roi_svg`` (the ROI
chart's bubbles, drawn in Python). Cached drawing: ``roi_cache`` (the ROI chart drawn once per snapshot).
Numbers and dates are written by ``portfolio.formatting``. Nothing here imports a view or a template tag.
"""
