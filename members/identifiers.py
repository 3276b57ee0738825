"""French organisation identifiers: SIREN, SIRET (python-stdnum), UAI and RNSR.

Plain functions, no Django imports: each `clean_*` returns the compact form or raises
`IdentifierError` with a French message. RNSR check letters are only advisory (see
`rnsr_letter_matches`), because no published document states the rule.
"""

from stdnum import luhn
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

CHECK_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def gettext_noop(message: str) -> str:
    """Mark a message for translation without translating it (extracted by makemessages)."""
    return message


class IdentifierError(ValueError):
    """An identifier that cannot be right; the message says why, in French (translate with
    gettext at display time)."""


def _compact(value: str) -> str:
    return "".join(value.split()).replace(".", "").replace("-", "")


def clean_siren(value: str) -> str:
    number = _compact(value)
    try:
        return stdnum_siren.validate(number)
    except InvalidLength:
        raise IdentifierError(gettext_noop("Le SIREN doit compter 9 chiffres.")) from None
    except InvalidFormat:
        raise IdentifierError(gettext_noop("Le SIREN ne doit contenir que des chiffres.")) from None
    except InvalidChecksum:
        raise IdentifierError(
            gettext_noop("SIREN invalide : sa clé de contrôle est fausse.")
        ) from None


def clean_siret(value: str) -> str:
    number = _compact(value)
    try:
        return stdnum_siret.validate(number)
    except InvalidLength:
        raise IdentifierError(gettext_noop("Le SIRET doit compter 14 chiffres.")) from None
    except InvalidFormat:
        raise IdentifierError(gettext_noop("Le SIRET ne doit contenir que des chiffres.")) from None
    except (InvalidChecksum, InvalidComponent):
        raise IdentifierError(
            gettext_noop("SIRET invalide : sa clé de contrôle est fausse.")
        ) from None


def check_letter(digits: str) -> str:
    """The mod-23 check letter used by UAI (and, apparently, RNSR) identifiers."""
    return CHECK_LETTERS[int(digits) % 23]


def clean_uai(value: str) -> str:
    """UAI: 7 digits and a check letter, which must match."""
    number = _compact(value).upper()
    if len(number) != 8:
        raise IdentifierError(
            gettext_noop("L'UAI compte 7 chiffres suivis d'une lettre (ex. 0751717J).")
        )
    digits, letter = number[:7], number[7]
    if not digits.isdigit() or not letter.isalpha():
        raise IdentifierError(
            gettext_noop("L'UAI compte 7 chiffres suivis d'une lettre (ex. 0751717J).")
        )
    if check_letter(digits) != letter:
        raise IdentifierError(gettext_noop("UAI invalide : sa lettre de contrôle est fausse."))
    return number


def clean_rnsr(value: str) -> str:
    """RNSR: 4-digit year, 5-digit sequence, one letter. The letter itself is not enforced."""
    number = _compact(value).upper()
    if len(number) != 10 or not number[:9].isdigit() or not number[9].isalpha():
        raise IdentifierError(
            gettext_noop(
                "Le numéro RNSR compte 10 caractères : l'année (4 chiffres), "
                "un numéro (5 chiffres) et une lettre (ex. 200212720X)."
            )
        )
    year = int(number[:4])
    if not 1900 <= year <= 2100:
        raise IdentifierError(
            gettext_noop("Le numéro RNSR doit commencer par une année (ex. 2002…).")
        )
    return number


def rnsr_letter_matches(value: str) -> bool:
    """Whether an RNSR number's letter follows the mod-23 rule seen on every real one."""
    number = _compact(value).upper()
    return check_letter(number[:9]) == number[9]


def make_siren(body: str) -> str:
    """Complete 8 digits into a valid SIREN (for demo data and tests)."""
    return body + luhn.calc_check_digit(body)


def make_siret(siren: str, nic_body: str) -> str:
    """Complete a SIREN and a 4-digit NIC body into a valid SIRET."""
    partial = siren + nic_body
    return partial + luhn.calc_check_digit(partial)
