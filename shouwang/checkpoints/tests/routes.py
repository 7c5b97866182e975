from shouwang.core.tests.matrix import Route

from .factories import make_checkin, make_checkpoint, make_pass, make_person


def _checkpoint_b(w):
    return make_checkpoint(w.compound_b)


def _pass_b(w):
    return make_pass(make_person(w.building_b, "李四"), kind="card")


ROUTES: dict[str, Route] = {
    # Resident pages: no login; a code that names nothing answers 404.
    "checkin:scan": Route(kwargs=lambda w: {"code": _checkpoint_b(w).code}, public=True),
    "checkin:register": Route(kwargs=lambda w: {"code": _checkpoint_b(w).code}, public=True),
    "checkin:pass": Route(public=True, read_only=True),
    "checkin:pass_qr": Route(public=True, read_only=True),
    "checkin:forget": Route(public=True),
    # Staff pages.
    "checkpoints:list": Route(read_only=True),
    "checkpoints:create": Route(),
    "checkpoints:posters": Route(read_only=True),
    "checkpoints:detail": Route(
        kwargs=lambda w: {"pk": _checkpoint_b(w).pk}, in_b=True, read_only=True
    ),
    "checkpoints:edit": Route(kwargs=lambda w: {"pk": _checkpoint_b(w).pk}, in_b=True),
    "checkpoints:qr": Route(
        kwargs=lambda w: {"pk": _checkpoint_b(w).pk}, in_b=True, read_only=True
    ),
    "checkpoints:poster": Route(
        kwargs=lambda w: {"pk": _checkpoint_b(w).pk}, in_b=True, read_only=True
    ),
    "checkpoints:rotate": Route(kwargs=lambda w: {"pk": _checkpoint_b(w).pk}, in_b=True),
    "checkpoints:rules": Route(read_only=True),
    "checkpoints:rule_edit": Route(kwargs=lambda w: {"area_pk": w.community_b.pk}, in_b=True),
    "checkpoints:counts": Route(read_only=True),
    "checkpoints:counts_export": Route(read_only=True),
    "checkpoints:passes": Route(),
    "checkpoints:card_issue": Route(),
    "checkpoints:cards_pdf": Route(read_only=True),
    "checkpoints:card_pdf": Route(
        kwargs=lambda w: {"pk": _pass_b(w).pk}, in_b=True, read_only=True
    ),
    "checkpoints:pass_revoke": Route(kwargs=lambda w: {"pk": _pass_b(w).pk}, in_b=True),
    "checkpoints:console": Route(read_only=True),
    "checkpoints:console_post": Route(
        kwargs=lambda w: {"pk": _checkpoint_b(w).pk}, in_b=True, read_only=True, reader="staff_b"
    ),
    "checkpoints:console_scan": Route(kwargs=lambda w: {"pk": _checkpoint_b(w).pk}, in_b=True),
    "checkpoints:console_vehicle": Route(kwargs=lambda w: {"pk": _checkpoint_b(w).pk}, in_b=True),
    "checkpoints:console_visitor": Route(kwargs=lambda w: {"pk": _checkpoint_b(w).pk}, in_b=True),
    "checkpoints:console_turn_back": Route(kwargs=lambda w: {"pk": _checkpoint_b(w).pk}, in_b=True),
    "checkpoints:checkin_confirm": Route(
        kwargs=lambda w: {"pk": make_checkin(_checkpoint_b(w)).pk}, in_b=True
    ),
    "checkpoints:checkin_measure": Route(
        kwargs=lambda w: {"pk": make_checkin(_checkpoint_b(w)).pk}, in_b=True
    ),
    "checkpoints:checkin_turn_back": Route(
        kwargs=lambda w: {"pk": make_checkin(_checkpoint_b(w)).pk}, in_b=True
    ),
    "checkpoints:checkin_release": Route(
        kwargs=lambda w: {"pk": make_checkin(_checkpoint_b(w)).pk}, in_b=True
    ),
    "api:checkins_batch": Route(),
}
