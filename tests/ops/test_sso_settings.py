"""The single sign-on settings are checked when Steward starts, like every STEWARD_* one: a bad
value stops it with a message naming the variable (steward/conf.py, steward/settings.py)."""

import pytest

from steward.conf import _BY_NAME
from tests.ops.test_settings import run_steward

PRODUCTION = {
    "STEWARD_SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-value-9876543210",
    "STEWARD_ALLOWED_HOSTS": "itsm.example.com",
    "STEWARD_HTTPS": "true",
}


def parse(name: str, raw: str):
    return _BY_NAME[name].parse(raw)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("", ""),
        ("https://login.microsoftonline.com/tid/v2.0", "https://login.microsoftonline.com/tid/v2.0"),
        (" https://sso.example.com/realms/staff ", "https://sso.example.com/realms/staff"),
        ("http://127.0.0.1:8080/realms/dev", "http://127.0.0.1:8080/realms/dev"),
        ("http://localhost:9000/application/o/steward/", "http://localhost:9000/application/o/steward/"),
    ],
)  # fmt: skip
def test_issuers_accepted(raw, value):
    assert parse("STEWARD_OIDC_ISSUER", raw) == value


@pytest.mark.parametrize(
    "raw",
    ["http://sso.example.com", "ftp://sso.example.com", "sso.example.com", "https://",
     "https://sso.example.com/?tenant=x", "https://sso.example.com/#x"],
)  # fmt: skip
def test_issuers_refused(raw):
    with pytest.raises(ValueError, match="expected"):
        parse("STEWARD_OIDC_ISSUER", raw)


def test_scopes_need_openid():
    assert parse("STEWARD_OIDC_SCOPES", "openid, email profile") == ["openid", "email", "profile"]
    with pytest.raises(ValueError, match="openid"):
        parse("STEWARD_OIDC_SCOPES", "email profile")


def test_new_users_is_create_or_refuse():
    assert parse("STEWARD_OIDC_NEW_USERS", " Refuse ") == "refuse"
    with pytest.raises(ValueError, match="create, refuse"):
        parse("STEWARD_OIDC_NEW_USERS", "invite")


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"STEWARD_OIDC_ISSUER": "https://sso.example.com"}, "STEWARD_OIDC_CLIENT_ID"),
        ({"STEWARD_OIDC_ISSUER": "http://sso.example.com"}, "STEWARD_OIDC_ISSUER"),
        ({"STEWARD_OIDC_TIMEOUT": "0"}, "STEWARD_OIDC_TIMEOUT"),
        ({"STEWARD_OIDC_PASSWORD_SIGN_IN": "administrators"}, "STEWARD_OIDC_PASSWORD_SIGN_IN"),
    ],
    ids=["issuer-without-client", "plain-http", "no-timeout", "admins-only-without-issuer"],
)
def test_a_bad_configuration_stops_the_start_naming_the_variable(tmp_path, env, named):
    result = run_steward("check", env_extra={"STEWARD_VAR_DIR": str(tmp_path), **env})
    assert result.returncode != 0
    assert named in result.stderr


def test_production_with_single_sign_on_passes_check_deploy(tmp_path):
    result = run_steward(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "STEWARD_VAR_DIR": str(tmp_path),
            **PRODUCTION,
            "STEWARD_OIDC_ISSUER": "https://sso.example.com/realms/staff",
            "STEWARD_OIDC_CLIENT_ID": "steward",
            "STEWARD_OIDC_CLIENT_SECRET": "secret",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
