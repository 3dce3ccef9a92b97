"""Genesys Cloud regions, named as Genesys's Terraform provider names them (``aws_region``).

The API and login hosts come from the official Python SDK's ``PureCloudRegionHosts`` (v269);
the login host is always the API host's domain with ``login.`` instead of ``api.``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..errors import ConfigurationError

__all__ = ["REGIONS", "region_urls"]

# region name -> domain; api.<domain> and login.<domain> are the two hosts.
REGIONS: Mapping[str, str] = MappingProxyType(
    {
        "us-east-1": "mypurecloud.com",
        "us-east-2": "use2.us-gov-pure.cloud",
        "us-west-2": "usw2.pure.cloud",
        "ca-central-1": "cac1.pure.cloud",
        "sa-east-1": "sae1.pure.cloud",
        "mx-central-1": "mxc1.pure.cloud",
        "eu-west-1": "mypurecloud.ie",
        "eu-west-2": "euw2.pure.cloud",
        "eu-central-1": "mypurecloud.de",
        "eu-central-2": "euc2.pure.cloud",
        "eusc-de-east-1": "edee1.eusc-pure.cloud",
        "me-central-1": "mec1.pure.cloud",
        "ap-south-1": "aps1.pure.cloud",
        "ap-southeast-1": "apse1.pure.cloud",
        "ap-southeast-2": "mypurecloud.com.au",
        "ap-northeast-1": "mypurecloud.jp",
        "ap-northeast-2": "apne2.pure.cloud",
        "ap-northeast-3": "apne3.pure.cloud",
    }
)


def region_urls(region: str) -> tuple[str, str]:
    """Return ``(api_base, login_base)`` for a region name such as ``us-east-1``.

    The SDK's enum spelling (``us_east_1``) and any letter case are accepted too.
    """
    name = region.strip().lower().replace("_", "-")
    domain = REGIONS.get(name)
    if domain is None:
        known = ", ".join(REGIONS)
        raise ConfigurationError(f"unknown Genesys Cloud region {region!r}; known regions: {known}")
    return f"https://api.{domain}", f"https://login.{domain}"
