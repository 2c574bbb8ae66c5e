"""Configuration is validated from explicit environment mappings (never the real environment)."""

from __future__ import annotations

import pytest

from ilp_app.settings import DEFAULT_SECRET, SettingsError, load_settings

LONG_SECRET = "k" * 32


@pytest.mark.parametrize("secret", [None, "", DEFAULT_SECRET, "short", "s" * 31])
def test_production_refuses_a_default_or_short_secret(secret):
    env = {"ILP_ENV": "production"}
    if secret is not None:
        env["ILP_SECRET_KEY"] = secret
    with pytest.raises(SettingsError, match="ILP_SECRET_KEY"):
        load_settings(env)


def test_production_with_a_long_secret_works():
    settings = load_settings({"ILP_ENV": "production", "ILP_SECRET_KEY": LONG_SECRET})
    assert settings.is_production
    assert settings.secret_key == LONG_SECRET


def test_reflex_prod_mode_without_ilp_env_counts_as_production():
    with pytest.raises(SettingsError):
        load_settings({"REFLEX_ENV_MODE": "prod"})
    settings = load_settings({"REFLEX_ENV_MODE": "prod", "ILP_SECRET_KEY": LONG_SECRET})
    assert settings.environment == "production"


def test_development_allows_the_default_secret():
    settings = load_settings({})
    assert settings.environment == "development"
    assert settings.secret_key == DEFAULT_SECRET


def test_unknown_environment_name_is_refused():
    with pytest.raises(SettingsError):
        load_settings({"ILP_ENV": "staging"})


def test_plain_postgresql_url_uses_the_psycopg_driver():
    settings = load_settings({"ILP_DATABASE_URL": "postgresql://ilp:pw@db:5432/ilp"})
    assert settings.database_url == "postgresql+psycopg://ilp:pw@db:5432/ilp"
    assert not settings.is_sqlite


def test_default_database_is_sqlite():
    assert load_settings({}).is_sqlite


@pytest.mark.parametrize("origins", ["*", "https://ilp.example.org, *", "*,http://localhost:3000"])
def test_wildcard_public_origin_is_refused(origins):
    with pytest.raises(SettingsError, match=r"\*"):
        load_settings({"ILP_PUBLIC_ORIGINS": origins})


def test_explicit_public_origins_are_trimmed():
    settings = load_settings(
        {"ILP_PUBLIC_ORIGINS": " https://ilp.example.org/ ,https://b.example.org"}
    )
    assert settings.public_origins == ("https://ilp.example.org", "https://b.example.org")


def test_default_origins_are_local_and_never_a_wildcard():
    origins = load_settings({}).public_origins
    assert "http://localhost:3000" in origins
    assert "*" not in origins
    assert all(o.startswith(("http://localhost:", "http://127.0.0.1:")) for o in origins)


@pytest.mark.parametrize("value", ["abc", "0", "-5"])
def test_session_limits_must_be_positive_whole_numbers(value):
    with pytest.raises(SettingsError, match="ILP_SESSION_IDLE_MINUTES"):
        load_settings({"ILP_SESSION_IDLE_MINUTES": value})


def test_the_school_time_zone_defaults_to_utc_and_must_be_a_real_zone():
    assert load_settings({}).school_timezone == "UTC"
    assert load_settings({"ILP_SCHOOL_TIMEZONE": "Europe/Oslo"}).school_timezone == "Europe/Oslo"
    for wrong in ("Europe/Atlantis", "../etc/passwd", "CET+1"):
        with pytest.raises(SettingsError, match="ILP_SCHOOL_TIMEZONE"):
            load_settings({"ILP_SCHOOL_TIMEZONE": wrong})


def test_no_forwarded_address_is_trusted_by_default():
    assert load_settings({}).trusted_proxy_hops == 0


def test_trusted_proxy_hops_is_read_from_the_environment():
    assert load_settings({"ILP_TRUSTED_PROXY_HOPS": "2"}).trusted_proxy_hops == 2


@pytest.mark.parametrize("raw", ["-1", "one", "1.5"])
def test_trusted_proxy_hops_must_be_a_whole_number_of_zero_or_more(raw):
    with pytest.raises(SettingsError, match="ILP_TRUSTED_PROXY_HOPS"):
        load_settings({"ILP_TRUSTED_PROXY_HOPS": raw})


def test_a_different_reflex_proxy_hops_setting_is_refused():
    # Reflex would apply it to sockets only; HTTP routes would then see other addresses.
    with pytest.raises(SettingsError, match="REFLEX_TRUSTED_PROXY_HOPS"):
        load_settings({"REFLEX_TRUSTED_PROXY_HOPS": "1"})
    settings = load_settings({"REFLEX_TRUSTED_PROXY_HOPS": "1", "ILP_TRUSTED_PROXY_HOPS": "1"})
    assert settings.trusted_proxy_hops == 1


def test_the_mail_server_is_an_smtp_url_or_nothing():
    assert load_settings({}).smtp_url == ""
    assert load_settings({"ILP_SMTP_URL": "smtps://u:p@mail.school.no:465"}).smtp_url.startswith(
        "smtps://"
    )
    with pytest.raises(SettingsError, match="ILP_SMTP_URL"):
        load_settings({"ILP_SMTP_URL": "http://mail.school.no"})
