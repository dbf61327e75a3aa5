"""Safe persistence: ``est.save(path)`` and :func:`load` (see ``_format``).

Persistence knows the estimator classes only through :func:`register`: each
estimator class registers itself where it is defined, and implements the protocol
``load`` relies on (``get_params``, fitted attributes ending in ``_``,
``source_codec_``/``target_codec_``, ``net_``, and ``_net_for_loading()``, an
initialised skorch net for the fitted vocabularies). Nothing here imports the
estimators.
"""

from ._format import ModelFileError, load, save
from ._registry import register, registered

__all__ = ["ModelFileError", "load", "register", "registered", "save"]
