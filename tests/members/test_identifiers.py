"""French identifiers: SIREN, SIRET (with La Poste's rule), UAI and RNSR, alone and in a model."""

import pytest
from django.core.exceptions import ValidationError
from stdnum import luhn
from stdnum.fr import siret as stdnum_siret

from members import identifiers
from members.identifiers import IdentifierError
from members.models import Organisation, OrganisationKind


def _organisation(**fields) -> Organisation:
    defaults = {"name": "Ateliers Durand", "slug": "ateliers-durand"}
    return Organisation(**{**defaults, **fields})


def _errors(organisation: Organisation) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        organisation.full_clean()
    return caught.value.message_dict


# --- SIREN ------------------------------------------------------------------------------------


def test_clean_siren_valid_returns_compact_number():
    assert identifiers.clean_siren("732 829 320") == "732829320"


def test_clean_siren_bad_check_digit_is_refused():
    with pytest.raises(IdentifierError, match="^SIREN invalide : sa clé de contrôle est fausse.$"):
        identifiers.clean_siren("732829321")


def test_clean_siren_wrong_length_is_refused():
    with pytest.raises(IdentifierError, match="^Le SIREN doit compter 9 chiffres.$"):
        identifiers.clean_siren("73282932")


def test_clean_siren_letters_are_refused():
    with pytest.raises(IdentifierError, match="^Le SIREN ne doit contenir que des chiffres.$"):
        identifiers.clean_siren("73282932A")


def test_make_siren_completes_eight_digits_into_a_valid_siren():
    assert identifiers.make_siren("73282932") == "732829320"


# --- SIRET ------------------------------------------------------------------------------------


def test_clean_siret_valid_returns_compact_number():
    assert identifiers.clean_siret("732 829 320 00074") == "73282932000074"


def test_clean_siret_bad_check_digit_is_refused():
    with pytest.raises(IdentifierError, match="^SIRET invalide : sa clé de contrôle est fausse.$"):
        identifiers.clean_siret("73282932000075")


def test_clean_siret_wrong_length_is_refused():
    with pytest.raises(IdentifierError, match="^Le SIRET doit compter 14 chiffres.$"):
        identifiers.clean_siret("7328293200007")


def test_clean_siret_letters_are_refused():
    with pytest.raises(IdentifierError, match="^Le SIRET ne doit contenir que des chiffres.$"):
        identifiers.clean_siret("7328293200007A")


def test_clean_siret_with_invalid_siren_part_is_refused():
    # Arrange: Luhn holds over the 14 digits, but not over the SIREN (9 first digits).
    number = identifiers.make_siret("732829321", "0007")
    assert luhn.is_valid(number) and not luhn.is_valid(number[:9])

    # Act / Assert
    with pytest.raises(IdentifierError, match="^SIRET invalide : sa clé de contrôle est fausse.$"):
        identifiers.clean_siret(number)


def test_clean_siret_la_poste_head_office_follows_luhn():
    assert luhn.is_valid("35600000000048")

    assert identifiers.clean_siret("35600000000048") == "35600000000048"


def test_clean_siret_la_poste_establishment_follows_digit_sum_rule():
    # Arrange: not Luhn-valid, but its digits add up to a multiple of 5 (La Poste's rule).
    number = "35600000049837"
    assert not luhn.is_valid(number)
    assert sum(map(int, number)) % 5 == 0
    assert stdnum_siret.is_valid(number)

    # Act / Assert
    assert identifiers.clean_siret(number) == number


def test_clean_siret_la_poste_establishment_breaking_digit_sum_rule_is_refused():
    number = "35600000049838"
    assert sum(map(int, number)) % 5 != 0

    with pytest.raises(IdentifierError, match="^SIRET invalide : sa clé de contrôle est fausse.$"):
        identifiers.clean_siret(number)


def test_make_siret_completes_siren_and_nic_into_a_valid_siret():
    number = identifiers.make_siret("732829320", "0007")

    assert number == "73282932000074"


# --- UAI --------------------------------------------------------------------------------------


def test_check_letter_of_known_uai_is_j():
    assert "ABCDEFGHJKLMNPRSTUVWXYZ"[751717 % 23] == "J"

    assert identifiers.check_letter("0751717") == "J"


def test_clean_uai_valid_is_upper_cased():
    assert identifiers.clean_uai("0751717j") == "0751717J"


def test_clean_uai_wrong_letter_is_refused():
    with pytest.raises(IdentifierError, match="^UAI invalide : sa lettre de contrôle est fausse.$"):
        identifiers.clean_uai("0751717K")


@pytest.mark.parametrize("value", ["075171J", "07517170J", "A751717J", "07517170"])
def test_clean_uai_wrong_shape_is_refused(value):
    with pytest.raises(IdentifierError, match=r"^L'UAI compte 7 chiffres suivis d'une lettre"):
        identifiers.clean_uai(value)


# --- RNSR -------------------------------------------------------------------------------------


def test_clean_rnsr_valid_format_is_upper_cased():
    assert identifiers.clean_rnsr("200212720x") == "200212720X"


@pytest.mark.parametrize("value", ["20021272X", "2002127200X", "2002A2720X", "2002127201"])
def test_clean_rnsr_wrong_format_is_refused(value):
    with pytest.raises(IdentifierError, match="^Le numéro RNSR compte 10 caractères"):
        identifiers.clean_rnsr(value)


@pytest.mark.parametrize("value", ["180012720X", "300012720X"])
def test_clean_rnsr_implausible_year_is_refused(value):
    with pytest.raises(IdentifierError, match=r"^Le numéro RNSR doit commencer par une année"):
        identifiers.clean_rnsr(value)


def test_rnsr_letter_matches_mod_23_letter():
    assert "ABCDEFGHJKLMNPRSTUVWXYZ"[200212720 % 23] == "X"

    assert identifiers.rnsr_letter_matches("200212720X") is True


def test_rnsr_letter_matches_false_for_another_letter():
    assert identifiers.rnsr_letter_matches("200212720D") is False


# --- In the model -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("siren", "732829321", "SIREN invalide : sa clé de contrôle est fausse."),
        ("siren", "7328", "Le SIREN doit compter 9 chiffres."),
        ("siret", "73282932000075", "SIRET invalide : sa clé de contrôle est fausse."),
        ("siret", "732829320", "Le SIRET doit compter 14 chiffres."),
        ("uai", "0751717K", "UAI invalide : sa lettre de contrôle est fausse."),
        (
            "rnsr",
            "2002-1272",
            "Le numéro RNSR compte 10 caractères : l'année (4 chiffres), un numéro (5 chiffres) "
            "et une lettre (ex. 200212720X).",
        ),
    ],
)
def test_organisation_full_clean_bad_identifier_errors_on_its_field_in_french(
    field, value, message
):
    organisation = _organisation(kind=OrganisationKind.RESEARCH, **{field: value})

    errors = _errors(organisation)

    assert errors == {field: [message]}


@pytest.mark.django_db
def test_organisation_full_clean_siret_of_another_siren_is_refused():
    organisation = _organisation(
        kind=OrganisationKind.COMPANY,
        siren="732829320",
        siret=identifiers.make_siret(identifiers.make_siren("40000001"), "0001"),
    )

    errors = _errors(organisation)

    assert errors == {"siret": ["Le SIRET doit commencer par le SIREN de l'organisation."]}


@pytest.mark.django_db
def test_organisation_full_clean_siret_alone_fills_siren():
    organisation = _organisation(kind=OrganisationKind.COMPANY, siret="73282932000074")

    organisation.full_clean()

    assert (organisation.siren, organisation.siret) == ("732829320", "73282932000074")


@pytest.mark.django_db
def test_organisation_full_clean_identifiers_typed_with_spaces_are_compacted():
    # The identifiers module compacts "732 829 320 00074" (as printed on invoices); the model
    # should store the compact form rather than refuse the value for being too long.
    # BUG: clean_fields() checks max_length (9 and 14) before clean() compacts the value.
    organisation = _organisation(
        kind=OrganisationKind.COMPANY, siren="732 829 320", siret="732 829 320 00074"
    )

    organisation.full_clean()

    assert (organisation.siren, organisation.siret) == ("732829320", "73282932000074")


@pytest.mark.django_db
def test_organisation_full_clean_company_without_siren_or_siret_is_refused():
    organisation = _organisation(kind=OrganisationKind.COMPANY)

    errors = _errors(organisation)

    assert errors == {"siren": ["Une entreprise est identifiée par son SIREN ou son SIRET."]}


@pytest.mark.django_db
def test_organisation_full_clean_laboratory_needs_no_siren():
    organisation = _organisation(kind=OrganisationKind.RESEARCH, rnsr="200212720X")

    organisation.full_clean()

    assert organisation.siren == ""


@pytest.mark.django_db
def test_organisation_rnsr_letter_mismatch_warns_without_error():
    organisation = _organisation(kind=OrganisationKind.RESEARCH, rnsr="200212720D")

    organisation.full_clean()

    assert organisation.rnsr_warning == (
        "La lettre de ce numéro RNSR ne suit pas la règle habituelle : vérifiez-le."
    )


@pytest.mark.django_db
def test_organisation_rnsr_letter_match_has_no_warning():
    organisation = _organisation(kind=OrganisationKind.RESEARCH, rnsr="200212720X")

    organisation.full_clean()

    assert organisation.rnsr_warning == ""
