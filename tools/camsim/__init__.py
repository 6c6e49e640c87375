"""camsim: a stateful ONVIF camera simulator on loopback addresses.

Independent of the dukcapil.cctv collection (imports nothing from ``plugins/``). See
README.md for the site YAML, the vendor personalities, fault injection, the CLI and the API.
"""

from .camera import Camera
from .config import SiteError, load_site_dict, load_site_file
from .personalities import names as personality_names
from .site import Site

__all__ = ["Camera", "Site", "SiteError", "load_site_dict", "load_site_file", "personality_names"]
