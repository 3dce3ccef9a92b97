"""The Genesys Cloud API client: OAuth, rate limiting, retries, paging and typed methods.

from reconciler.client import GenesysClient, region_urls

api, login = region_urls("eu-west-1")
with GenesysClient(api, client_id, client_secret, login_url=login) as client:
    client.list_external_metrics()
"""

from __future__ import annotations

from .api import GenesysClient, login_url_for
from .regions import REGIONS, region_urls
from .retry import RetryPolicy

__all__ = ["REGIONS", "GenesysClient", "RetryPolicy", "login_url_for", "region_urls"]
