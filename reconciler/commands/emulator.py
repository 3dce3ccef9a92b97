"""`reconciler emulator`: serve the local Genesys Cloud emulator on loopback until stopped."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from types import FrameType

import click

from ..connect import is_loopback
from ..emulator import Emulator, Faults, serve
from ..emulator.seed import MAX_AGENTS
from ..errors import ConfigurationError, UsageError

DEFAULT_SECRET = "emulator-secret"


@click.command("emulator")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8990,
    show_default=True,
    help="Port (0 = any free port).",
)
@click.option(
    "--state",
    "state_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="JSON file holding the org; loaded at start, rewritten after every change.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the generated org.")
@click.option(
    "--agents",
    type=click.IntRange(0, MAX_AGENTS),
    default=0,
    show_default=True,
    help="Extra agents (agent.0001@example.com, …) over the business units, for a new state.",
)
@click.option("--client-id", default="reconciler-local", show_default=True)
@click.option(
    "--client-secret",
    envvar="RECONCILER_EMULATOR_SECRET",
    default=DEFAULT_SECRET,
    show_default=True,
    help="Accepted secret (env: RECONCILER_EMULATOR_SECRET).",
)
@click.option("--rate-limit", type=int, default=None, help="Requests per minute (default: off).")
@click.option("--rate-burst", type=int, default=None, help="Bucket size (default: 1 s worth).")
@click.option("--latency-ms", type=int, default=0, show_default=True)
@click.option("--error-rate", type=float, default=0.0, show_default=True, help="Share of 5xx.")
@click.option("--error-status", type=int, default=503, show_default=True)
@click.option("--drop-rate", type=float, default=0.0, show_default=True)
@click.option("--lost-response-rate", type=float, default=0.0, show_default=True)
@click.option("--storm", type=int, default=0, show_default=True, help="First N requests get 429.")
@click.option("--storm-retry-after", type=int, default=1, show_default=True)
@click.option("--fault-seed", type=int, default=0, show_default=True)
@click.option(
    "--achievements-path", default="/api/v2/wem/achievements", show_default=True,
    help="Base path of the achievements API (not part of the published Genesys API).",
)  # fmt: skip
@click.option(
    "--no-achievements",
    is_flag=True,
    help="Serve an org as Genesys ships it: no achievements API (its paths answer 404).",
)
def command(
    host: str,
    port: int,
    state_path: Path | None,
    seed: int,
    agents: int,
    client_id: str,
    client_secret: str,
    rate_limit: int | None,
    rate_burst: int | None,
    latency_ms: int,
    error_rate: float,
    error_status: int,
    drop_rate: float,
    lost_response_rate: float,
    storm: int,
    storm_retry_after: int,
    fault_seed: int,
    achievements_path: str,
    no_achievements: bool,
) -> None:
    """Serve the local Genesys Cloud emulator on loopback until SIGTERM/SIGINT."""
    try:
        faults = Faults(
            latency_ms=latency_ms,
            error_rate=error_rate,
            error_status=error_status,
            drop_rate=drop_rate,
            lost_response_rate=lost_response_rate,
            storm=storm,
            storm_retry_after=storm_retry_after,
            seed=fault_seed,
        )
    except ValueError as error:
        raise UsageError(str(error)) from error
    if rate_limit is not None and rate_limit <= 0:
        raise UsageError("--rate-limit must be a positive number of requests per minute")
    emulator = Emulator(
        state_path,
        client_id=client_id,
        client_secret=client_secret,
        rate_limit_per_minute=rate_limit,
        rate_limit_burst=rate_burst,
        faults=faults,
        seed=seed,
        agents=agents,
        achievements_path=None if no_achievements else achievements_path,
    )
    try:
        server = serve(emulator, host, port)
    except OSError as error:
        raise ConfigurationError(f"cannot listen on {host}:{port}: {error.strerror}") from error
    # A flag, not a threading.Event: the handler runs between two bytecodes of the main thread,
    # which may be inside Event.wait() holding the Event's lock; Event.set() in the handler
    # would then wait for that lock forever (SIGTERM hung the emulator now and then).
    stopping: list[int] = []

    def _stop(signum: int, frame: FrameType | None) -> None:
        stopping.append(signum)

    previous = signal.signal(signal.SIGTERM, _stop)
    secret_note = f"client secret: {DEFAULT_SECRET} (documented default)"
    if client_secret != DEFAULT_SECRET:
        secret_note = "client secret: (as configured)"
    click.echo(f"Genesys Cloud emulator listening on {server.url}")
    click.echo(f"client id: {client_id}; {secret_note}")
    click.echo(f"state: {state_path if state_path else '(in memory)'}")
    if no_achievements:
        click.echo("achievements API: none (as in a Genesys org)")
    if not is_loopback(server.url):
        click.echo(
            "warning: /__emulator (unauthenticated control endpoints) is reachable from the "
            f"network on {host}; use a loopback address unless you mean it",
            err=True,
        )
    try:
        while not stopping:
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.close()
    click.echo("emulator stopped")
