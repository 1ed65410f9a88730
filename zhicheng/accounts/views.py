"""Office and admin pages for organisations, members, rosters, applicant accounts and users (thin views)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhicheng.core.errors import ApplicationError
from zhicheng.core.http import client_ip, service_flash
from zhicheng.core.permissions import require_page

from . import auth_services, passwords, roster, selectors, services
from . import permissions as perms
from .forms import (
    AccountForm,
    FilterForm,
    GrantForm,
    OrganisationForm,
    PersonForm,
    RosterImportForm,
    SecurityUserSearchForm,
    StaffAccountForm,
    SuspendForm,
    UserSearchForm,
    apply_error,
)
from .models import Membership, OrganisationKind, StaffRosterEntry, User

PAGE_SIZE = 50


def _visible(request, pk):
    return selectors.organisation_get_visible(request.user, pk)  # NotFound: the 404 page (ErrorPageMiddleware)




def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def organisation_list(request):
    """Visible organisations with filters, counts per kind and the roles each still lacks."""
    form = FilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    organisations = selectors.organisation_list(request.user, **filters)
    page = _page(request, organisations)
    for org in page.object_list:
        org.gaps = selectors.role_gaps_annotated(org)
    counts = {
        row["kind"]: row["n"]
        for row in selectors.organisations_visible_to(request.user).order_by().values("kind").annotate(n=Count("pk"))
    }
    kind_counts = [(label, counts.get(value, 0)) for value, label in OrganisationKind.choices]
    return render(request, "organisations/list.html", {
        "form": form, "page": page, "kind_counts": kind_counts, "total": page.paginator.count,
        "can_create": perms.can_edit_organisations(request.user),
    })


@login_required
def organisation_detail(request, pk):
    org = _visible(request, pk)
    ancestors, node = [], org.parent
    while node is not None:
        ancestors.insert(0, node)
        node = node.parent
    return render(request, "organisations/detail.html", {
        "org": org, "ancestors": ancestors,
        "children": selectors.organisations_visible_to(request.user).filter(parent=org).order_by("kind", "name"),
        "memberships": selectors.organisation_memberships(org, active_only=True),
        "can_view_members": perms.can_view_members(request.user, org),
        "gaps": selectors.organisation_role_gaps(org),
        "can_edit": perms.can_edit_organisations(request.user),
        "can_suspend": perms.can_suspend_organisations(request.user),
        "can_view_roster": perms.can_view_roster(request.user, org),
        "suspend_form": SuspendForm(),
    })


@login_required
def organisation_create(request):
    require_page(perms.can_edit_organisations(request.user))
    form = OrganisationForm(request.POST or None, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.ORGANISATION_FIELDS}
        try:
            org = services.organisation_create(actor=request.user, ip=client_ip(request), **data)
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("已新建机构“%(name)s”") % {"name": org.name})
            return redirect("organisations:detail", pk=org.pk)
    return render(request, "organisations/form.html", {"form": form, "org": None})


@login_required
def organisation_edit(request, pk):
    org = _visible(request, pk)
    require_page(perms.can_edit_organisations(request.user))
    # the form gets its own copy: ModelForm validation writes into its instance
    form = OrganisationForm(request.POST or None, instance=selectors.organisations_visible_to(request.user).get(pk=pk))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.organisation_update(actor=request.user, organisation=org, changes=changes, ip=client_ip(request))
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("organisations:detail", pk=org.pk)
    return render(request, "organisations/form.html", {"form": form, "org": org})


def _run(request, action, success: str) -> bool:
    """Call a service; show its refusal as a message. True when it succeeded."""
    return service_flash(request, action, done=success)


@login_required
@require_POST
def organisation_suspend(request, pk):
    org = _visible(request, pk)
    form = SuspendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写停用原因"))
    else:
        _run(request, lambda: services.organisation_suspend(
            actor=request.user, organisation=org, reason=form.cleaned_data["reason"], ip=client_ip(request),
        ), _("已停用：该机构今后只能查看，不能办理业务"))
    return redirect("organisations:detail", pk=org.pk)


@login_required
@require_POST
def organisation_reinstate(request, pk):
    org = _visible(request, pk)
    _run(request, lambda: services.organisation_reinstate(
        actor=request.user, organisation=org, ip=client_ip(request)), _("已恢复"))
    return redirect("organisations:detail", pk=org.pk)


@login_required
def organisation_members(request, pk):
    """Members with grant and revoke, and opening a real-name staff account."""
    org = _visible(request, pk)
    require_page(perms.can_view_members(request.user, org))
    security = perms.can_manage_roles(request.user)
    grant_form = GrantForm(prefix="grant", limit_to_org_roles=not security)
    staff_form = StaffAccountForm(prefix="staff")
    opened = None
    if request.method == "POST" and "grant-user" in request.POST:
        grant_form = GrantForm(request.POST, prefix="grant", limit_to_org_roles=not security)
        if grant_form.is_valid() and _grant(request, org, grant_form):
            return redirect("organisations:members", pk=org.pk)
    elif request.method == "POST":
        staff_form = StaffAccountForm(request.POST, prefix="staff")
        if staff_form.is_valid():
            opened = _open_staff(request, org, staff_form)
    return render(request, "organisations/members.html", {
        "org": org, "memberships": selectors.organisation_memberships(org),
        "gaps": selectors.organisation_role_gaps(org),
        "grant_form": grant_form, "staff_form": staff_form, "opened": opened,
        "can_grant": security or perms.can_administer_accounts_of(request.user, org),
        "can_open_staff": perms.can_open_staff_account(request.user, org),
    })


def _grant(request, org, form) -> bool:
    try:
        services.membership_grant(
            actor=request.user, organisation=org, user=form.cleaned_data["user"], role=form.cleaned_data["role"],
            ip=client_ip(request),
        )
    except ApplicationError as exc:
        apply_error(form, exc)
        return False
    messages.success(request, _("已分配角色"))
    return True


def _open_staff(request, org, form):
    try:
        return services.staff_account_open(
            actor=request.user, organisation=org, ip=client_ip(request), **form.cleaned_data
        )
    except ApplicationError as exc:
        apply_error(form, exc)
        return None


@never_cache
@login_required
@require_POST
def password_reset(request, pk, user_pk):
    """An admin gives a member a one-time password, shown on this page once; the member replaces it at log-in."""
    org = _visible(request, pk)
    target = get_object_or_404(User, pk=user_pk, memberships__organisation=org)
    try:
        raw = passwords.password_reset_by_admin(actor=request.user, user=target, ip=client_ip(request))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("organisations:members", pk=org.pk)
    return render(request, "organisations/password_reset_done.html", {"org": org, "target": target, "raw": raw})


@login_required
@require_POST
def membership_revoke(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("organisation"), pk=pk)
    org = _visible(request, membership.organisation_id)
    _run(request, lambda: services.membership_revoke(
        actor=request.user, membership=membership, ip=client_ip(request)), _("已撤销角色"))
    return redirect("organisations:members", pk=org.pk)


@login_required
def organisation_roster(request, pk):
    """The roster (花名册): add one person, import a CSV, take people off."""
    org = _visible(request, pk)
    require_page(perms.can_view_roster(request.user, org))
    add_form, import_form, import_errors = PersonForm(prefix="add"), RosterImportForm(prefix="import"), []
    if request.method == "POST" and "add-real_name" in request.POST:
        add_form = PersonForm(request.POST, prefix="add")
        if add_form.is_valid() and _run_form(request, add_form, lambda: roster.roster_entry_add(
            actor=request.user, organisation=org, ip=client_ip(request), **add_form.cleaned_data,
        ), _("已加入花名册")):
            return redirect("organisations:roster", pk=org.pk)
    elif request.method == "POST":
        import_form = RosterImportForm(request.POST, request.FILES, prefix="import")
        if import_form.is_valid():
            try:
                result = roster.roster_import(
                    actor=request.user, organisation=org, text=import_form.cleaned_data["file"], ip=client_ip(request)
                )
            except ApplicationError as exc:
                import_form.add_error(None, exc.message)
                import_errors = exc.details.get("errors", [])
            else:
                messages.success(request, _("导入完成：新增 %(a)d 人，恢复或更正 %(r)d 人，未变 %(u)d 人") % {
                    "a": result.added, "r": result.reactivated, "u": result.unchanged})
                return redirect("organisations:roster", pk=org.pk)
    return render(request, "organisations/roster.html", {
        "org": org, "page": _page(request, selectors.roster_entries(org)), "add_form": add_form,
        "import_form": import_form, "import_errors": import_errors,
        "can_manage": perms.can_manage_roster(request.user, org),
    })


def _run_form(request, form, action, success: str) -> bool:
    try:
        action()
    except ApplicationError as exc:
        apply_error(form, exc)
        return False
    messages.success(request, success)
    return True


@login_required
@require_POST
def roster_remove(request, pk):
    entry = get_object_or_404(StaffRosterEntry, pk=pk)
    org = _visible(request, entry.organisation_id)
    _run(request, lambda: roster.roster_entry_remove(actor=request.user, entry=entry, ip=client_ip(request)),
         _("已移出花名册"))
    return redirect("organisations:roster", pk=org.pk)


@login_required
def applicant_open(request, pk):
    """Open an applicant account for a person on the roster; the generated password is shown once."""
    org = _visible(request, pk)
    require_page(perms.can_view_members(request.user, org))
    form, opened = AccountForm(request.POST or None), None
    if request.method == "POST" and form.is_valid():
        try:
            opened = services.applicant_account_open(
                actor=request.user, organisation=org, ip=client_ip(request), **form.cleaned_data
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            form = AccountForm()
    return render(request, "organisations/applicant_open.html", {
        "org": org, "form": form, "opened": opened, "gaps": selectors.organisation_role_gaps(org),
        "decision": perms.can_open_applicant_account(request.user, org),
    })


@login_required
def user_list(request):
    """User accounts for the system admin: search, open an account, deactivate or reactivate.

    The security admin's menu leads here too (用户与角色): they get the same list, masked, with lock, unlock and
    authenticator reset on each row instead of the system admin's account actions (三员分立).
    """
    if not perms.can_manage_users(request.user) and perms.can_manage_locks(request.user):
        return _security_user_list(request)
    require_page(perms.can_manage_users(request.user))
    search = UserSearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    form, opened = AccountForm(request.POST or None), None
    if request.method == "POST" and form.is_valid():
        try:
            opened = services.user_create(actor=request.user, ip=client_ip(request), **form.cleaned_data)
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            form = AccountForm()
    return render(request, "organisations/users.html", {
        "search": search, "page": _page(request, selectors.user_list(q=q)), "form": form, "opened": opened,
    })


@login_required
@require_POST
def user_set_active(request, pk):
    target = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    _run(request, lambda: services.user_set_active(
        actor=request.user, user=target, active=active, ip=client_ip(request)),
        _("已启用账号") if active else _("已停用账号"))
    return redirect("organisations:users")


def _security_user_list(request):
    """The security admin's user list: filter, then lock, unlock or reset an authenticator from the row."""
    if request.method == "POST":
        done = _security_act(request)
        if done:
            messages.success(request, done)
        return redirect(request.get_full_path())  # back to the same filter and page
    search = SecurityUserSearchForm(request.GET or None)
    filters = search.cleaned_data if search.is_valid() else {}
    page = auth_services.account_security_page(
        actor=request.user, q=filters.get("q", ""), state=filters.get("state", ""), page=request.GET.get("page"),
    )
    return render(request, "organisations/users_security.html", {"search": search, "page": page})


def _security_act(request) -> str | None:
    """Carry out one row's action through the lock services (they check the role and separation of duties)."""
    action, username, ip = request.POST.get("action"), request.POST.get("username", "").strip(), client_ip(request)
    try:
        if action == "lock":
            auth_services.account_lock(actor=request.user, username=username, reason=request.POST.get("reason", ""),
                                       ip=ip)
            return _("账号“%(u)s”已锁定") % {"u": username}
        if action == "unlock":
            auth_services.account_unlock(actor=request.user, username=username, ip=ip)
            return _("账号“%(u)s”已解锁") % {"u": username}
        if action == "otp_reset":
            auth_services.totp_device_reset(actor=request.user, username=username, ip=ip)
            return _("已重置“%(u)s”的验证器，该用户下次登录时需重新绑定") % {"u": username}
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return None
    messages.error(request, _("请选择要执行的操作"))
    return None
