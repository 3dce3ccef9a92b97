from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from reconciler.client import REGIONS, login_url_for, region_urls
from reconciler.errors import ConfigurationError

# Every region of the official SDK's PureCloudRegionHosts (v269), by Terraform-provider name.
SDK_HOSTS = {
    "us-east-1": "https://api.mypurecloud.com",
    "eu-west-1": "https://api.mypurecloud.ie",
    "ap-southeast-2": "https://api.mypurecloud.com.au",
    "ap-northeast-1": "https://api.mypurecloud.jp",
    "eu-central-1": "https://api.mypurecloud.de",
    "us-west-2": "https://api.usw2.pure.cloud",
    "ca-central-1": "https://api.cac1.pure.cloud",
    "ap-northeast-2": "https://api.apne2.pure.cloud",
    "eu-west-2": "https://api.euw2.pure.cloud",
    "ap-south-1": "https://api.aps1.pure.cloud",
    "us-east-2": "https://api.use2.us-gov-pure.cloud",
    "sa-east-1": "https://api.sae1.pure.cloud",
    "me-central-1": "https://api.mec1.pure.cloud",
    "ap-northeast-3": "https://api.apne3.pure.cloud",
    "eu-central-2": "https://api.euc2.pure.cloud",
    "mx-central-1": "https://api.mxc1.pure.cloud",
    "ap-southeast-1": "https://api.apse1.pure.cloud",
    "eusc-de-east-1": "https://api.edee1.eusc-pure.cloud",
}


@pytest.mark.parametrize(("region", "api"), sorted(SDK_HOSTS.items()))
def test_every_sdk_region_maps_to_its_api_and_login_host(region: str, api: str) -> None:
    assert region_urls(region) == (api, api.replace("://api.", "://login."))


def test_the_table_has_exactly_the_sdk_regions() -> None:
    assert set(REGIONS) == set(SDK_HOSTS)


def test_sdk_enum_spelling_and_case_are_accepted() -> None:
    assert region_urls("EU_WEST_1") == region_urls("eu-west-1")


def test_unknown_region_is_a_configuration_error_listing_known_ones() -> None:
    with pytest.raises(ConfigurationError, match="us-east-1"):
        region_urls("mars-north-1")


def test_the_official_sdk_agrees_with_the_table() -> None:
    # Load only the SDK's region module: importing the package itself takes seconds.
    package = importlib.util.find_spec("PureCloudPlatformClientV2")
    # A test extra (pyproject): missing, this must fail, not skip and look like a pass.
    assert package is not None and package.submodule_search_locations, (
        "purecloudplatformclientv2 is not installed: pip install -e '.[test]'"
    )
    path = Path(next(iter(package.submodule_search_locations))) / "purecloud_region_hosts.py"
    spec = importlib.util.spec_from_file_location("sdk_region_hosts", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    members = list(module.PureCloudRegionHosts)
    assert len(members) == len(REGIONS)
    for member in members:
        assert region_urls(member.name)[0] == member.value


@pytest.mark.parametrize(
    ("base", "login"),
    [
        ("https://api.mypurecloud.de", "https://login.mypurecloud.de"),
        ("http://127.0.0.1:8990", "http://127.0.0.1:8990"),
        ("http://127.0.0.1:8990/", "http://127.0.0.1:8990"),
    ],
)
def test_login_host_is_derived_like_the_sdks_do(base: str, login: str) -> None:
    assert login_url_for(base) == login
