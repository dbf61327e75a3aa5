"""Order of the gallery examples: the quickstart first, the others by file name.

sphinx-gallery's ``within_subsection_order`` names this class by its import path
(see ``conf.py``), which keeps the Sphinx configuration picklable.
"""

FIRST = ("plot_quickstart.py",)


class QuickstartFirst:
    """Sort key: files in ``FIRST`` in that order, then the rest alphabetically."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        if filename in FIRST:
            return (0, FIRST.index(filename), filename)
        return (1, 0, filename)

    def __repr__(self):
        return f"<{type(self).__name__}>"
