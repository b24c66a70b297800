"""Each ``aztec start`` setting is defined once (aztec.stdlib.config, aztec.sandbox.settings); the options,
the raw defaults, the config defaults, the components' defaults and the README's table all agree with it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from aztec.cli.main import COMMANDS
from aztec.foundation.config import ConfigError
from aztec.foundation.settings import ChoiceSetting, FloatSetting, HostSetting, IntSetting, Switch
from aztec.node.config import NodeConfig
from aztec.p2p.config import TxPoolConfig
from aztec.sandbox import settings
from aztec.sandbox.roles import Roles, StartConfig
from aztec.sandbox.validation import StartArgs, validate_start
from aztec.stdlib.config.bot import BOT_TPS
from aztec.stdlib.config.node import RPC_HOST, RPC_PORT
from aztec.stdlib.config.p2p import TX_POOL_SIZE
from aztec.stdlib.config.prover import PROVER_KIND, PROVER_SCALE
from aztec.stdlib.config.world_state import WORLD_STATE_MAP_SIZE

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_table_is_generated_from_the_definitions() -> None:
    readme = (ROOT / "README.md").read_text()
    printed = subprocess.run(
        [sys.executable, "-m", "aztec.sandbox.settings"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert printed == settings.settings_table()
    assert printed in readme, "README's aztec start table is stale: run uv run python -m aztec.sandbox.settings"


def test_every_option_of_aztec_start_is_a_definition_with_its_flag_variables_and_default() -> None:
    command = COMMANDS["start"].load("start")
    options = {p.name: p for p in command.params if p.param_type_name == "option" and p.name != "help"}
    assert list(options) == [s.key for s in settings.START_SETTINGS]
    for setting in settings.START_SETTINGS:
        option = options[setting.key]
        assert setting.flag is not None
        assert option.opts[0] == setting.flag.split("/")[0], setting.key
        assert (option.envvar or []) == setting.variables, setting.key
        if isinstance(setting, Switch):
            assert option.default is setting.default, setting.key
        else:
            assert option.default == setting.raw_default, setting.key
            assert setting.parse(setting.raw_default) == setting.default, setting.key  # the default is valid


def test_start_args_have_every_checked_setting_with_its_raw_default_and_no_other() -> None:
    args = StartArgs(roles=Roles())
    for setting in settings.CHECKED_SETTINGS:
        expected = setting.default if isinstance(setting, Switch) else setting.raw_default
        assert getattr(args, setting.key) == expected, setting.key
    assert StartArgs(roles=Roles(), rpc_port="1").raw(RPC_PORT) == "1"
    with pytest.raises(TypeError, match="not an aztec start setting: log_level"):
        StartArgs(roles=Roles(), log_level="debug")


def test_the_defaults_validate_to_the_config_and_component_defaults(tmp_path: Path) -> None:
    """validate_start on every default gives StartConfig's own defaults, whose component configs
    (SequencerConfig, RpcConfig, ProverConfig) are built from the components' defaults: they all agree."""
    roles = Roles(l1=True, sequencer=True, prover=True)
    config = validate_start(StartArgs(roles=roles, data_dir=str(tmp_path)), env={})
    assert config == StartConfig(roles=roles, data_dir=tmp_path)
    node = NodeConfig(tmp_path)
    assert (node.rpc_host, node.rpc_port) == (RPC_HOST.default, RPC_PORT.default)
    assert node.tx_pool_max_txs == TX_POOL_SIZE.default == TxPoolConfig().max_pending_txs
    assert node.world_state_map_size == WORLD_STATE_MAP_SIZE.default * 1024


@pytest.mark.parametrize(
    ("setting", "raw", "message"),
    [
        (RPC_PORT, "70000", "invalid setting --rpc-port / AZTEC_RPC_PORT='70000': must be at most 65535"),
        (RPC_PORT, " 8080 ", None),
        (PROVER_SCALE, "0", "invalid setting --prover-scale / AZTEC_PROVER_SCALE='0': must be above 0"),
        (BOT_TPS, "inf", "invalid setting --bot-tps / AZTEC_BOT_TPS='inf': expected a finite number"),
        (PROVER_KIND, "gpu", "invalid setting --prover-kind / AZTEC_PROVER='gpu': expected native or test"),
        (
            RPC_HOST,
            "a b",
            "invalid setting --rpc-host / AZTEC_RPC_HOST='a b': expected an IP address or a host name",
        ),
    ],
)
def test_a_definition_parses_and_refuses_in_the_settings_words(
    setting: IntSetting | FloatSetting | ChoiceSetting | HostSetting, raw: str, message: str | None
) -> None:
    if message is None:
        assert setting.parse(raw) == setting.default
        return
    with pytest.raises(ConfigError) as error:
        setting.parse(raw)
    assert str(error.value) == message


def test_the_standard_variable_wins_over_the_projects_for_the_scrape_port() -> None:
    env = {"AZTEC_PROMETHEUS_PORT": "9500", "OTEL_EXPORTER_PROMETHEUS_PORT": "9600"}
    assert settings.METRICS_PORT.from_env(env) == 9600
    assert settings.METRICS_PORT.from_env({"AZTEC_PROMETHEUS_PORT": " 9500 "}) == 9500
    assert settings.METRICS_PORT.from_env({"AZTEC_PROMETHEUS_PORT": "  "}) == settings.METRICS_PORT.default
