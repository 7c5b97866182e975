from datetime import datetime, timedelta
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from shouwang.accounts.forms import AreaChoiceField
from shouwang.areas.models import Area
from shouwang.core.forms import ORDER_MAX, RowsChoiceField, integer_column
from shouwang.people.documents import DocumentType
from shouwang.people.models import Household, Person
from shouwang.watch.actions import parse_temperature
from shouwang.watch.models import FollowUp, KeyPerson

from .actions import NewPerson
from .actions.tracing import MAX_TRACE_DAYS, MAX_WINDOW_MINUTES
from .key_areas import residents_at_home
from .models import Case, Contact, HouseholdVisit, KeyArea, TraceHit, TreatmentInstitution


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


SEARCH_ERRORS = {
    "max_length": "查找内容不超过 %(limit_value)d 个字",
    # Django's own Chinese for it says "empty string".
    "null_characters_not_allowed": "查找内容含有空字符，请重新输入",
}


class SearchForm(forms.Form):
    q = forms.CharField(
        label="姓名、拼音首字母、证件号或手机号（或后四位）",
        required=False,
        max_length=30,
        error_messages=SEARCH_ERRORS,
    )


class CaseFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=30, error_messages=SEARCH_ERRORS)
    classification = forms.ChoiceField(
        label="分类", choices=[("", "全部分类"), *Case.Classification.choices], required=False
    )
    institution = forms.ModelChoiceField(
        label="收治机构",
        queryset=TreatmentInstitution.objects.all(),
        required=False,
        empty_label="全部收治机构",
    )
    status = forms.ChoiceField(
        label="状态",
        choices=[
            ("", "在治和已结案"),
            ("open", "在治（疑似、确诊、无症状）"),
            ("closed", "已结案（治愈、排除、死亡）"),
        ],
        required=False,
    )


class CaseForm(forms.Form):
    classification = forms.ChoiceField(label="分类", choices=Case.Classification.choices)
    onset_date = forms.DateField(label="发病日期", required=False, widget=DateInput())
    report_date = forms.DateField(label="报告日期", initial=timezone.localdate, widget=DateInput())
    confirmed_date = forms.DateField(
        label="确诊日期", required=False, widget=DateInput(), help_text="确诊病例必填"
    )
    institution = forms.ModelChoiceField(
        label="收治机构",
        queryset=TreatmentInstitution.objects.filter(active=True),
        required=False,
        empty_label="未收治（居家或待转运）",
        help_text="列表由指挥部维护；没有的机构请联系指挥部添加",
    )
    notes = forms.CharField(
        label="备注", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class CaseChangeForm(CaseForm):
    reason = forms.CharField(
        label="变更原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case: Case, **kwargs) -> None:
        initial = {
            "classification": case.classification,
            "onset_date": case.onset_date,
            "report_date": case.report_date,
            "confirmed_date": case.confirmed_date,
            "institution": case.institution,
            "notes": case.notes,
        }
        super().__init__(*args, initial=initial, **kwargs)
        # The institution the case is at stays offered after it is taken off the list.
        self.fields["institution"].queryset = TreatmentInstitution.objects.filter(
            Q(active=True) | Q(pk=case.institution_id)
        )
        self.fields["classification"].choices = [
            (value, label) for value, label in Case.Classification.choices if case.can_become(value)
        ]
        # A page opened before another worker's change offers what is no longer possible.
        self.fields["classification"].error_messages["invalid_choice"] = (
            f"该病例现为“{case.get_classification_display()}”，不能改为所选分类"
            "（可能已被他人修改），请核对后重新选择"
        )


class InstitutionForm(forms.ModelForm):
    order = integer_column(TreatmentInstitution, "order", max_value=ORDER_MAX)

    class Meta:
        model = TreatmentInstitution
        fields = ["name", "kind", "order", "active"]
        error_messages = {"name": {"unique": "已有同名的收治机构；同一机构的两种写法请用“合并”"}}


class InstitutionMergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label="并入",
        queryset=TreatmentInstitution.objects.none(),
        empty_label="请选择同一机构的另一写法",
        error_messages={"required": "请选择要并入的机构"},
    )

    def __init__(self, *args, institution: TreatmentInstitution, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = TreatmentInstitution.objects.exclude(pk=institution.pk)


class NewPersonForm(forms.Form):
    """A person not in the ledger; the case or contact form is shown beside it."""

    name = forms.CharField(label="姓名", max_length=50)
    doc_type = forms.ChoiceField(label="证件类型", choices=DocumentType.choices)
    doc_number = forms.CharField(label="证件号码", max_length=30)
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    area = AreaChoiceField(
        label="所在楼栋/小区/社区", queryset=Area.objects.none(), help_text="没有具体楼栋时可选社区"
    )

    def __init__(self, *args, areas=None, **kwargs) -> None:
        super().__init__(*args, prefix="person", **kwargs)
        self.fields["area"].queryset = areas if areas is not None else Area.objects.none()

    def draft(self) -> NewPerson:
        data = self.cleaned_data
        return NewPerson(
            area=data["area"],
            name=data["name"],
            doc_type=data["doc_type"],
            doc_number=data["doc_number"],
            phone=data["phone"],
        )


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label="接触方式", choices=Contact.Kind.choices)
    last_contact_date = forms.DateField(
        label="末次接触日期", initial=timezone.localdate, widget=DateInput()
    )
    notes = forms.CharField(label="情况说明", required=False, max_length=200)


class ObserveForm(forms.Form):
    measure = forms.ChoiceField(label="管控措施", choices=KeyPerson.Measure.choices)


class KeyAreaForm(forms.Form):
    area = AreaChoiceField(label="小区/楼栋", queryset=Area.objects.none())
    level = forms.ChoiceField(
        label="管控级别",
        choices=KeyArea.Level.choices,
        initial=KeyArea.Level.STRICT,
        help_text="每日随访：住户每天随访；通行从严：卡点只放行本区域住户；封闭管理：非必要不出入",
    )
    reason = forms.CharField(label="原因", max_length=200)
    start_date = forms.DateField(label="开始日期", initial=timezone.localdate, widget=DateInput())
    end_date = forms.DateField(
        label="计划解除日期", required=False, widget=DateInput(), help_text="可不填，解除时再操作"
    )

    def __init__(self, *args, areas=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas if areas is not None else Area.objects.none()


class LiftForm(forms.Form):
    reason = forms.CharField(label="解除原因", max_length=200)


def default_window_minutes() -> int:
    return settings.CASES_TRACE_WINDOW_MINUTES


class TraceForm(forms.Form):
    start = forms.DateTimeField(label="开始时间", widget=DateTimeInput())
    end = forms.DateTimeField(label="结束时间", widget=DateTimeInput())
    window_minutes = forms.IntegerField(
        label="前后时间窗（分钟）",
        min_value=1,
        max_value=MAX_WINDOW_MINUTES,
        initial=default_window_minutes,
        help_text="与病例在同一卡点前后多少分钟内通行的人员",
    )
    purpose = forms.CharField(
        label="查询目的",
        max_length=200,
        help_text="必填，将与查询一起记入审计日志，例如：确诊病例流调，排查卡点同时段人员",
    )

    def __init__(self, *args, case: Case, **kwargs) -> None:
        start = datetime.combine(case.infectious_from(), datetime.min.time())
        # No earlier than the check-ins kept and the longest span allowed.
        days = min(settings.CHECKIN_RETENTION_DAYS, MAX_TRACE_DAYS)
        earliest = (timezone.now() - timedelta(days=days)).replace(second=0, microsecond=0)
        start = max(timezone.make_aware(start), earliest + timedelta(minutes=1))
        end = min(
            timezone.now(),
            timezone.make_aware(datetime.combine(case.report_date, datetime.max.time())),
        )
        end = max(end, start + timedelta(hours=1)).replace(second=0, microsecond=0)
        kwargs.setdefault("initial", {"start": start, "end": end})
        super().__init__(*args, **kwargs)


NOT_AMONG_HITS = "所选人员不在本次追踪结果中或不在您的辖区，请刷新页面后重新选择"


class TraceContactsForm(forms.Form):
    hits = RowsChoiceField(
        label="人员",
        queryset=TraceHit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "请至少选择一人",
            "invalid_choice": NOT_AMONG_HITS,
            "invalid_pk_value": NOT_AMONG_HITS,
        },
    )
    observe = forms.BooleanField(label="同时纳入重点人员管控", required=False, initial=True)
    measure = forms.ChoiceField(
        label="管控措施",
        choices=KeyPerson.Measure.choices,
        initial=KeyPerson.Measure.CENTRAL,
        error_messages={"required": "请选择管控措施", "invalid_choice": "请选择管控措施"},
    )

    def __init__(self, *args, trace, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Hits made contacts already are accepted too: the same choice sent twice (a
        # second tap, the back button) finds the contacts it made the first time.
        self.fields["hits"].queryset = trace.hits.shown_to(user)


class HouseholdUnreachedForm(forms.Form):
    """An attempt that found nobody (联系不上): how it was made, and a note."""

    client_id = forms.UUIDField(
        error_messages={"required": "缺少提交编号，请刷新页面", "invalid": "提交编号无效"}
    )
    method = forms.ChoiceField(
        choices=HouseholdVisit.Method.choices,
        error_messages={"required": "请选择随访方式", "invalid_choice": "请选择随访方式"},
    )
    note = forms.CharField(
        max_length=200,
        required=False,
        error_messages={"max_length": "情况说明不超过 200 字"},
    )


class HouseholdVisitForm(HouseholdUnreachedForm):
    """A household's follow-up from the phone page: one tap for "全户正常" (method
    only); the unwell member with temperature and symptoms otherwise."""

    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        error_messages={"invalid_choice": "所选人员不是该户的现住人员，请刷新页面"},
    )
    temperature = forms.CharField(required=False, max_length=6)
    symptoms = forms.MultipleChoiceField(
        choices=FollowUp.Symptom.choices,
        required=False,
        error_messages={"invalid_choice": "症状选项不正确"},
    )

    def __init__(self, *args, household: Household, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = residents_at_home().filter(household=household)

    def clean_temperature(self) -> Decimal | None:
        try:
            return parse_temperature(self.cleaned_data["temperature"])
        except ValidationError as exc:
            raise ValidationError(exc.messages[0]) from exc
