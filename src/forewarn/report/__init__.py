"""Reports: briefs as data (:mod:`~forewarn.report.brief`) rendered to the terminal and HTML, SVG charts (:mod:`~forewarn.report.svg`)."""
