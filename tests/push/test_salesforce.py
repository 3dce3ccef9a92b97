"""`push --salesforce`: the real simple-salesforce client against a loopback HTTPS stand-in.

The stand-in (salesforce_standin.py) speaks the REST query API over TLS with a certificate
made for this run; the client trusts only that CA. Assertions read what the emulator stored.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from requests.adapters import HTTPAdapter

from reconciler.cli import main
from reconciler.errors import ConfigurationError, ReconcilerError
from reconciler.push.pusher import PushReport, PushRequest, run
from reconciler.push.reader import Columns
from reconciler.push.sources.salesforce import SalesforceSource, make_session
from reconciler.push.summary import render

from .emulated import ALICE, CHLOE, NOW, Org, make_org
from .loopback import loopback_root
from .salesforce_standin import StandIn, opportunity, serve
from .tls import Certificates, make_certificates

CLOSED_WON = (
    "SELECT Owner.Email, CloseDate, Amount FROM Opportunity "
    "WHERE IsWon = true AND CloseDate = LAST_N_DAYS:7"
)
COLUMNS = Columns("Owner.Email", "CloseDate", "Amount")


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def standin(certificates: Certificates) -> Iterator[StandIn]:
    with serve(certificates) as running:
        yield running


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    made = make_org(tmp_path)
    yield made
    made.client.close()


def token_env(standin: StandIn, token: str = "valid-token") -> dict[str, str]:
    return {"SALESFORCE_INSTANCE_URL": standin.url, "SALESFORCE_ACCESS_TOKEN": token}


def push(
    org: Org,
    source: SalesforceSource,
    columns: Columns = COLUMNS,
    **fields: Any,
) -> PushReport:
    request = PushRequest(
        metric="Daily_Revenue_Closed",
        input="",
        ledger_path=org.tmp / "ledger.sqlite",
        columns=columns,
        source=source,
        **fields,
    )
    return run(org.client, request, now=lambda: NOW)


def test_closed_won_opportunities_are_paged_and_land_on_their_close_date(
    org: Org, standin: StandIn, certificates: Certificates
) -> None:
    standin.page_size = 2
    standin.records = [
        opportunity(ALICE, "2026-11-27", 1250.5),
        opportunity(ALICE, "2026-11-27", 100.25),
        opportunity(CHLOE, "2026-11-28", 10),
        opportunity(ALICE.upper(), "2026-11-29", 0.1),  # e-mails compare ignoring case
        opportunity(CHLOE, "2026-11-28", 0.2),
    ]
    session = make_session(verify=str(certificates.ca))
    source = SalesforceSource(CLOSED_WON, token_env(standin), session)
    report = push(org, source)
    assert not report.failed, render(report)
    assert org.stored() == {
        (ALICE, "2026-11-27"): (1350.75, 2),
        (CHLOE, "2026-11-28"): (10.2, 2),
        (ALICE, "2026-11-29"): (0.1, 1),
    }
    # Three pages: the query, then two nextRecordsUrl follow-ups.
    assert len(standin.queries) == 3
    assert standin.queries[1].endswith("-2") and standin.queries[2].endswith("-4")
    assert render(report).startswith(
        "Push of 'Daily_Revenue_Closed' (metric " + report.metric_id + ") from Salesforce query"
    )


def test_salesforce_datetimes_are_placed_in_the_agents_zone(
    org: Org, standin: StandIn, certificates: Certificates
) -> None:
    # 04:30 UTC on Saturday is Friday evening in New York (Alice's business unit).
    standin.records = [
        opportunity(ALICE, "2026-11-28", 5, CreatedDate="2026-11-28T04:30:00.000+0000")
    ]
    session = make_session(verify=str(certificates.ca))
    source = SalesforceSource(CLOSED_WON, token_env(standin), session)
    report = push(org, source, Columns("Owner.Email", "createddate", "Amount"))
    assert not report.failed, render(report)
    assert org.stored() == {(ALICE, "2026-11-27"): (5.0, 1)}


def test_a_record_without_an_owner_is_an_unreadable_record(
    org: Org, standin: StandIn, certificates: Certificates
) -> None:
    standin.records = [opportunity(ALICE, "2026-11-27", 3), opportunity(None, "2026-11-27", 4)]
    session = make_session(verify=str(certificates.ca))
    report = push(org, SalesforceSource(CLOSED_WON, token_env(standin), session))
    assert report.failed
    assert "unreadable: record 2: missing Owner.Email" in render(report)
    assert org.stored() == {(ALICE, "2026-11-27"): (3.0, 1)}


def test_an_invalid_field_is_one_line_and_nothing_is_sent(
    org: Org, standin: StandIn, certificates: Certificates
) -> None:
    standin.invalid_fields = {"Amount__c"}
    session = make_session(verify=str(certificates.ca))
    soql = "SELECT Owner.Email, CloseDate, Amount__c FROM Opportunity"
    with pytest.raises(ReconcilerError) as raised:
        push(org, SalesforceSource(soql, token_env(standin), session))
    message = str(raised.value)
    assert message.startswith("Salesforce refused the query: INVALID_FIELD: ")
    assert "No such column 'Amount__c'" in message and "\n" not in message
    assert org.data_posts() == 0


def test_a_column_the_query_does_not_select_names_the_fields_it_has(
    org: Org, standin: StandIn, certificates: Certificates
) -> None:
    standin.records = [opportunity(ALICE, "2026-11-27", 3)]
    session = make_session(verify=str(certificates.ca))
    source = SalesforceSource(CLOSED_WON, token_env(standin), session)
    with pytest.raises(ReconcilerError, match=r"no field 'Owner\.Mail' \(it has: Owner\.Email"):
        push(org, source, Columns("Owner.Mail", "CloseDate", "Amount"))
    assert org.data_posts() == 0


def test_an_expired_access_token_says_how_to_renew_and_never_shows_it(
    org: Org, standin: StandIn, certificates: Certificates
) -> None:
    session = make_session(verify=str(certificates.ca))
    source = SalesforceSource(CLOSED_WON, token_env(standin, "expired-secret-token"), session)
    with pytest.raises(ConfigurationError) as raised:
        push(org, source)
    message = str(raised.value)
    assert "INVALID_SESSION_ID" in message and "SALESFORCE_ACCESS_TOKEN" in message
    assert "expired-secret-token" not in message
    assert org.data_posts() == 0


class ToStandIn(HTTPAdapter):
    """The login host (`test.salesforce.com`, a sandbox) answered by the loopback stand-in."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self._netloc = urlsplit(url).netloc

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        parts = urlsplit(str(request.url))
        assert parts.hostname == "test.salesforce.com"
        request.url = urlunsplit(parts._replace(netloc=self._netloc))
        return super().send(request, **kwargs)


def login_env() -> dict[str, str]:
    return {
        "SALESFORCE_USERNAME": "ops@example.com.sandbox",
        "SALESFORCE_PASSWORD": "pa55word",
        "SALESFORCE_SECURITY_TOKEN": "tok3n",
        "SALESFORCE_DOMAIN": "test",
    }


def test_a_sandbox_login_renews_a_session_that_expires_mid_query(
    org: Org, standin: StandIn, certificates: Certificates
) -> None:
    standin.users = {"ops@example.com.sandbox": "pa55wordtok3n"}
    standin.page_size = 1
    standin.records = [opportunity(ALICE, "2026-11-27", 1), opportunity(ALICE, "2026-11-28", 2)]
    standin.expire_after = 1  # the second page finds the session expired
    session = make_session(verify=str(certificates.ca))
    session.mount("https://test.salesforce.com/", ToStandIn(standin.url))
    report = push(org, SalesforceSource(CLOSED_WON, login_env(), session))
    assert not report.failed, render(report)
    assert standin.logins == 2
    assert org.stored() == {(ALICE, "2026-11-27"): (1.0, 1), (ALICE, "2026-11-28"): (2.0, 1)}


def test_a_failed_login_is_one_line_without_the_password(
    org: Org, standin: StandIn, certificates: Certificates
) -> None:
    session = make_session(verify=str(certificates.ca))
    session.mount("https://test.salesforce.com/", ToStandIn(standin.url))
    with pytest.raises(ConfigurationError) as raised:
        push(org, SalesforceSource(CLOSED_WON, login_env(), session))
    message = str(raised.value)
    assert message.startswith("Salesforce login at test.salesforce.com failed: INVALID_LOGIN")
    assert "pa55word" not in message and "tok3n" not in message


def test_no_credentials_names_the_variables(org: Org) -> None:
    with pytest.raises(ConfigurationError, match="SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS"):
        push(org, SalesforceSource(CLOSED_WON, {}))


def test_an_untrusted_certificate_is_refused(org: Org, standin: StandIn) -> None:
    standin.records = [opportunity(ALICE, "2026-11-27", 3)]
    source = SalesforceSource(CLOSED_WON, token_env(standin))  # the system CAs only
    with pytest.raises(ReconcilerError, match=r"cannot reach Salesforce at 127\.0\.0\.1:\d+: SSL"):
        push(org, source)
    assert org.data_posts() == 0


def test_the_cli_reads_credentials_from_the_environment(
    tmp_path: Path,
    standin: StandIn,
    certificates: Certificates,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with loopback_root(tmp_path) as (root, emulator, today):
        standin.records = [opportunity(ALICE, today.isoformat(), 42.5)]
        for name, value in token_env(standin).items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificates.ca))
        args = ["push", "--root", str(root), "-e", "e2e", "--metric", "Daily_Revenue_Closed"]
        columns = ["--agent-column", "owner.email", "--time-column", "CloseDate"]
        code = main([*args, "--salesforce", CLOSED_WON, *columns, "--value-column", "Amount"])
        out = capsys.readouterr().out
        assert code == 0, out
        assert [p["value"] for p in emulator.data_points()] == [42.5]
        assert "from Salesforce query 'SELECT Owner.Email, CloseDate, Amount FROM" in out


def test_without_the_extra_the_error_names_the_install_command(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "simple_salesforce", None)  # import fails
    monkeypatch.setitem(sys.modules, "simple_salesforce.api", None)
    with pytest.raises(ConfigurationError) as raised:
        push(org, SalesforceSource(CLOSED_WON, {}))
    assert str(raised.value) == (
        "--salesforce needs an optional dependency: pip install 'genesys-reconciler[salesforce]'"
    )
