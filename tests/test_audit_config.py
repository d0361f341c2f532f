"""AuditConfig: thresholds in one place, overridable from TOML or JSON."""

from __future__ import annotations

import json

import pytest

from orgpower.errors import InputError
from orgpower.report.config import AuditConfig, Thresholds


def test_defaults_are_the_documented_thresholds():
    t = AuditConfig().thresholds
    assert (t.trophic_layered_max, t.trophic_circulating_min) == (0.3, 0.7)
    assert (t.flow_hierarchy_layered_min, t.flow_hierarchy_circulating_max) == (0.8, 0.2)
    assert AuditConfig().min_group_size == 5


def test_load_toml_with_nested_thresholds(tmp_path):
    path = tmp_path / "audit.toml"
    path.write_text('min_group_size = 7\ngroup_attributes = ["gender"]\n[thresholds]\nreciprocity_low = 0.1\n')
    config = AuditConfig.load(path)
    assert config.min_group_size == 7 and config.group_attributes == ("gender",)
    assert config.thresholds.reciprocity_low == 0.1
    assert config.thresholds.reciprocity_high == Thresholds().reciprocity_high


def test_load_json_with_flat_thresholds(tmp_path):
    path = tmp_path / "audit.json"
    path.write_text(json.dumps({"seed": 3, "span_wide": 12}))
    config = AuditConfig.load(path)
    assert config.seed == 3 and config.thresholds.span_wide == 12


def test_unknown_setting_is_a_clear_error(tmp_path):
    path = tmp_path / "audit.toml"
    path.write_text("reciprocity_lo = 0.1\n")
    with pytest.raises(InputError, match="'reciprocity_lo' is unknown"):
        AuditConfig.load(path)


def test_wrong_type_is_a_clear_error(tmp_path):
    path = tmp_path / "audit.toml"
    path.write_text('null_samples = "many"\n')
    with pytest.raises(InputError, match="null_samples is 'many'; give a whole number"):
        AuditConfig.load(path)


def test_bad_syntax_names_the_file(tmp_path):
    path = tmp_path / "audit.toml"
    path.write_text("[thresholds\n")
    with pytest.raises(InputError, match="is not valid TOML"):
        AuditConfig.load(path)


def test_k_below_three_in_a_file_is_refused(tmp_path):
    path = tmp_path / "audit.toml"
    path.write_text("min_group_size = 2\n")
    with pytest.raises(InputError, match="set min_group_size to 3 or more"):
        AuditConfig.load(path)


def test_with_group_attributes_adds_without_repeats():
    config = AuditConfig(group_attributes=("gender",)).with_group_attributes(["gender", "grade"])
    assert config.group_attributes == ("gender", "grade")


# --- renamed keys -------------------------------------------------------------------------------


def test_the_two_old_concentration_keys_with_one_value_carry_over_with_a_warning_naming_the_new_key():
    from orgpower.errors import OrgpowerWarning

    with pytest.warns(OrgpowerWarning, match="deprecated.*concentration_high = 0.3"):
        config = AuditConfig.from_dict({"thresholds": {"centralization_concentrated": 0.3, "hhi_concentrated": 0.3}})
    assert config.thresholds.concentration_high == 0.3


@pytest.mark.parametrize("raw, write", [
    ({"centralization_concentrated": 0.5, "hhi_concentrated": 0.25}, "concentration_high = 0.25"),
    ({"thresholds": {"hhi_concentrated": 0.4}}, "concentration_high = 0.4"),
    ({"centralization_concentrated": 0.6}, "concentration_high = 0.6"),
])
def test_old_concentration_keys_whose_meaning_does_not_carry_over_are_refused_with_the_line_to_write(raw, write):
    with pytest.raises(InputError) as refused:
        AuditConfig.from_dict(raw, source="audit.toml")
    message = str(refused.value)
    assert message.startswith("In audit.toml,") and f"write {write}" in message and "unknown" not in message
    assert message.count(". ") == 0, "one sentence"


def test_an_old_concentration_key_beside_the_new_one_is_refused():
    with pytest.raises(InputError, match="remove hhi_concentrated and keep concentration_high = 0.2"):
        AuditConfig.from_dict({"hhi_concentrated": 0.3, "concentration_high": 0.2})


def test_an_old_config_file_is_read_with_the_deprecation_warning(tmp_path):
    from orgpower.errors import OrgpowerWarning

    path = tmp_path / "audit.toml"
    path.write_text("[thresholds]\ncentralization_concentrated = 0.35\nhhi_concentrated = 0.35\n")
    with pytest.warns(OrgpowerWarning, match=str(path).replace("\\", "\\\\")):
        assert AuditConfig.load(path).thresholds.concentration_high == 0.35
