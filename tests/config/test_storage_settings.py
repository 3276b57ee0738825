"""Confidential files: local folder by default, a private S3-compatible bucket on demand.

The settings are built in a fresh process from the environment (`settings_probe`). Nothing here
contacts any object storage: a signed URL is computed locally by botocore.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.storage import storages
from storages.backends.s3 import S3Storage

from config.storage import PrivateStorage, private_storage
from funding.models import DossierFile
from projects.models import PartAttachment
from tests.config.settings_probe import run_manage, settings_with_env, shell_with_env

S3_ENV = {
    "DJANGO_PRIVATE_STORAGE": "s3",
    "S3_BUCKET": "poles-prive",
    "S3_ENDPOINT_URL": "https://s3.gra.io.cloud.ovh.net",
    "S3_REGION": "gra",
    "S3_ACCESS_KEY_ID": "AKIDEXAMPLE",
    "S3_SECRET_ACCESS_KEY": "not-a-real-secret",
    "S3_PREFIX": "confidentiel",
}


def test_private_storage_is_the_local_folder_by_default():
    built = settings_with_env(["STORAGES"])

    assert built["STORAGES"]["private"] == {"BACKEND": "config.storage.PrivateStorage"}


def test_private_storage_s3_settings_from_the_environment():
    built = settings_with_env(["STORAGES"], **S3_ENV)

    private = built["STORAGES"]["private"]
    options = private["OPTIONS"]
    assert private["BACKEND"] == "storages.backends.s3.S3Storage"
    assert {key: options[key] for key in S3_OPTIONS_FROM_ENV} == {
        "bucket_name": "poles-prive",
        "endpoint_url": "https://s3.gra.io.cloud.ovh.net",
        "region_name": "gra",
        "access_key": "AKIDEXAMPLE",
        "secret_key": "not-a-real-secret",
        "location": "confidentiel",
    }
    assert options["default_acl"] == "private"
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] == 60
    assert options["custom_domain"] is None
    assert options["file_overwrite"] is False
    assert options["client_config"]["botocore.Config"] == {
        "signature_version": "s3v4",
        "s3": {"addressing_style": "auto"},
        "request_checksum_calculation": "when_required",
        "response_checksum_validation": "when_required",
    }
    # The public storages are unchanged.
    assert built["STORAGES"]["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }


S3_OPTIONS_FROM_ENV = [
    "bucket_name",
    "endpoint_url",
    "region_name",
    "access_key",
    "secret_key",
    "location",
]


def test_private_storage_s3_expiry_and_addressing_style_for_minio():
    built = settings_with_env(
        ["STORAGES"],
        **{
            **S3_ENV,
            "S3_ENDPOINT_URL": "http://minio.internal:9000",
            "S3_URL_EXPIRY": "30",
            "S3_ADDRESSING_STYLE": "path",
        },
    )

    options = built["STORAGES"]["private"]["OPTIONS"]
    assert options["querystring_expire"] == 30
    assert options["client_config"]["botocore.Config"]["s3"] == {"addressing_style": "path"}


def test_file_fields_use_the_s3_storage_when_configured():
    # The file fields take `storages["private"]` when the models load: with S3 settings,
    # attachments and dossier copies go to the bucket, and their downloads (which open the
    # file through the field's storage) read it from there.
    output = shell_with_env(
        "from django.core.files.storage import storages\n"
        "from projects.models import PartAttachment\n"
        "from funding.models import DossierFile\n"
        "for model in (PartAttachment, DossierFile):\n"
        "    storage = model._meta.get_field('file').storage\n"
        "    print(model.__name__, type(storage).__name__, storage is storages['private'],"
        " storage.bucket_name, storage.location)\n",
        **S3_ENV,
    )

    assert output.splitlines() == [
        "PartAttachment S3Storage True poles-prive confidentiel",
        "DossierFile S3Storage True poles-prive confidentiel",
    ]


def test_file_fields_use_the_private_storage_by_default():
    for model in (PartAttachment, DossierFile):
        field = model._meta.get_field("file")
        # Taken from `storages["private"]` when the model loaded (the tests' settings fixtures
        # have since rebuilt `storages`, hence no identity check here; the subprocess test
        # above checks it).
        assert field._storage_callable is private_storage
        assert type(field.storage) is PrivateStorage
    assert type(storages["private"]) is PrivateStorage


def test_s3_storage_makes_only_short_signed_urls(settings):
    # Built from the settings' options, offline: a URL is signed and expires in a minute.
    options = settings_with_env(["STORAGES"], **S3_ENV)["STORAGES"]["private"]["OPTIONS"]
    options.pop("client_config")
    storage = S3Storage(**options)

    url = urlsplit(storage.url("projets/1/devis.pdf"))
    query = parse_qs(url.query)

    assert (url.scheme, url.netloc) == ("https", "s3.gra.io.cloud.ovh.net")
    assert url.path == "/poles-prive/confidentiel/projets/1/devis.pdf"
    assert query["X-Amz-Expires"] == ["60"]
    assert query["X-Amz-Credential"][0].startswith("AKIDEXAMPLE/")
    assert "X-Amz-Signature" in query


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"DJANGO_PRIVATE_STORAGE": "s3"},
            "Configuration error: S3_BUCKET must be set when DJANGO_PRIVATE_STORAGE is s3.",
        ),
        (
            {"DJANGO_PRIVATE_STORAGE": "ftp"},
            "Configuration error: DJANGO_PRIVATE_STORAGE must be filesystem or s3, not 'ftp'.",
        ),
    ],
    ids=["s3 without bucket", "unknown backend"],
)
def test_private_storage_bad_environment_stops_with_one_line(env, message):
    result = run_manage("check", DJANGO_DEBUG="true", **env)

    assert result.returncode == 1
    assert result.stderr == message + "\n"
