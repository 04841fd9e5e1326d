"""What privlint knows of base images from their reference alone."""

from __future__ import annotations

import pytest

from privlint.startup import base_image


@pytest.mark.parametrize("reference", ["node:18", "docker.io/library/node:18", "arm32v7/node:18",
                                       "amd64/node:18-slim", "index.docker.io/arm64v8/node:18@sha256:0123"])
def test_official_images_under_any_official_namespace_are_known(reference):
    known = base_image(reference)
    assert known is not None and known.user is None  # the official node image starts as root


@pytest.mark.parametrize("reference", ["someorg/node:18", "arm32v7/someorg/node:18", "ghcr.io/arm32v7/node:18",
                                       "$BASE"])
def test_other_namespaces_are_not_taken_for_official_images(reference):
    assert base_image(reference) is None


@pytest.mark.parametrize("reference", ["public.ecr.aws/docker/library/python:3.11", "mirror.gcr.io/library/python:3",
                                       "registry.hub.docker.com/library/python:3.12-slim"])
def test_official_images_pulled_through_a_mirror_are_the_official_images(reference):
    known = base_image(reference)
    assert known is not None and known.user is None and known.cmd == ["python3"]


@pytest.mark.parametrize(("reference", "user"), [("cm2network/steamcmd", "steam"), ("cm2network/steamcmd:bookworm",
                                                 "steam"), ("cm2network/steamcmd:root", None),
                                                 ("cm2network/steamcmd:bookworm-root", None),
                                                 ("codercom/code-server:4.20.0", "coder"),
                                                 ("spark:3.5.1", "spark"), ("kibana:8.13.0", "kibana"),
                                                 ("logstash:8.13.0", "logstash"), ("kong:3.6", "kong"),
                                                 ("flink:1.17.0", None), ("steamcmd/steamcmd:latest", None),
                                                 ("mcr.microsoft.com/dotnet/runtime:9.0-noble-chiseled", "app"),
                                                 ("mcr.microsoft.com/dotnet/aspnet:8.0", None),
                                                 ("prom/prometheus:v2.45.0", "nobody")])
def test_widely_used_images_outside_the_official_set_have_their_published_user(reference, user):
    known = base_image(reference)
    assert known is not None and known.user == user


def test_postgis_images_keep_the_postgres_entrypoint_that_drops():
    known = base_image("postgis/postgis:16-3.4")
    assert known is not None and known.drops == ("postgres",) and known.entrypoint == ["docker-entrypoint.sh"]


def test_only_the_jupyter_tags_of_tensorflow_start_a_server():
    assert base_image("tensorflow/tensorflow:2.15.0-gpu-jupyter").cmd[0] == "bash"
    assert "jupyter notebook" in base_image("tensorflow/tensorflow:2.15.0-gpu-jupyter").cmd[-1]
    assert base_image("tensorflow/tensorflow:2.15.0").cmd == ["bash"]
