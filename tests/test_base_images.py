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
