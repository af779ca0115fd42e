"""docker-compose.yml is for users' machines; no engine runs here, so its shape is checked."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_every_part_of_the_stack():
    services = compose()["services"]
    assert {"db", "redis", "setup", "web", "worker", "beat", "proxy"} <= set(services)
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    assert services["web"]["command"][0] == "gunicorn"


def test_web_and_worker_can_be_scaled():
    services = compose()["services"]
    for name in ("web", "worker"):
        assert "ports" not in services[name], f"{name} must not bind a host port so it can scale"
        assert "container_name" not in services[name]
    assert services["proxy"]["ports"] == ["8000:80"]
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "resolver 127.0.0.11" in conf and "set $web_upstream http://web:8000" in conf


def test_app_services_use_postgres_redis_and_wait_for_setup():
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("redis://")
        assert env["CACHE_URL"].startswith("redis://")  # log-in throttling shared by replicas
        assert (
            services[name]["depends_on"]["setup"]["condition"] == "service_completed_successfully"
        )
    assert "load_bank" in " ".join(services["setup"]["command"])
    for name in ("db", "redis"):
        assert "healthcheck" in services[name]


def test_the_image_builds_from_python_311_and_the_env_example_is_production():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11" in dockerfile
    assert "collectstatic" in dockerfile and "USER mogi" in dockerfile
    env = dict(
        line.split("=", 1)
        for line in (ROOT / "deploy" / "env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert env["DJANGO_DEBUG"] == "0" and "DJANGO_SECRET_KEY" in env


def test_health_checks_use_readyz_and_nginx_forwards_the_original_scheme():
    services = compose()["services"]
    check = " ".join(services["web"]["healthcheck"]["test"])
    assert "/readyz" in check
    assert services["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "X-Forwarded-Proto $forwarded_proto" in conf
    assert "map $http_x_forwarded_proto $forwarded_proto" in conf


def test_only_the_compose_network_is_a_trusted_proxy_and_setup_collects_static_files():
    import ipaddress

    data = compose()
    subnet = data["networks"]["default"]["ipam"]["config"][0]["subnet"]
    for name in ("web", "worker", "beat"):
        trusted = data["services"][name]["environment"]["MOGI_TRUSTED_PROXIES"]
        assert ipaddress.ip_network(trusted) == ipaddress.ip_network(subnet)
    assert "collectstatic" in " ".join(data["services"]["setup"]["command"])
