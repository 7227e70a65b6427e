"""mirrorgap: perception-gap analysis between employees and customers."""
from mirrorgap.config.params import Engagement, load_engagement
from mirrorgap.errors import InputFileError, MirrorgapError, ParamsError

__all__ = ["Engagement", "InputFileError", "MirrorgapError", "ParamsError", "load_engagement"]
__version__ = "0.1.0"
