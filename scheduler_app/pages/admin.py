"""The admin page: accounts, the audit log and the local outbox (admins only)."""

from __future__ import annotations

import reflex as rx

from scheduler_app.components.form_field import labelled
from scheduler_app.components.layout import page_frame
from scheduler_app.state.admin import AdminState


def _user_row(row: rx.Var[dict[str, str]]) -> rx.Component:
    user_id = row["id"].to(str)
    email = row["email"].to(str)
    disabled = row["disabled"].to(str) != ""
    is_self = row["self"].to(str) != ""
    return rx.table.row(
        rx.table.row_header_cell(
            rx.vstack(rx.text(email), rx.text(row["name"].to(str), size="1"), spacing="0")
        ),
        rx.table.cell(
            rx.el.select(
                rx.el.option("Member", value="member"),
                rx.el.option("Admin", value="admin"),
                value=row["role"].to(str),
                on_change=lambda role: AdminState.set_role(user_id, role),
                disabled=is_self,
                aria_label="Role of " + email,
                class_name="native-select",
            )
        ),
        rx.table.cell(
            rx.cond(
                disabled,
                rx.badge("Disabled", color_scheme="red"),
                rx.badge("Active", color_scheme="green"),
            )
        ),
        rx.table.cell(row["created"].to(str)),
        rx.table.cell(
            rx.cond(
                disabled,
                rx.button(
                    "Enable",
                    size="1",
                    variant="soft",
                    aria_label="Enable " + email,
                    on_click=AdminState.set_disabled(user_id, False),
                ),
                rx.button(
                    "Disable",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    aria_label="Disable " + email,
                    disabled=is_self,
                    on_click=AdminState.set_disabled(user_id, True),
                ),
            )
        ),
    )


def _users_section() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Users", size="4", as_="h2"),
            rx.form(
                rx.hstack(
                    rx.input(
                        name="query",
                        placeholder="Search e-mail or name",
                        aria_label="Search users",
                        default_value=AdminState.user_query,
                    ),
                    rx.button("Search", type="submit", variant="soft"),
                    spacing="2",
                ),
                on_submit=AdminState.search_users,
                reset_on_submit=False,
            ),
            rx.box(
                rx.table.root(
                    rx.el.caption("Users", class_name="sr-only"),
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell("User"),
                            rx.table.column_header_cell("Role"),
                            rx.table.column_header_cell("Status"),
                            rx.table.column_header_cell("Created"),
                            rx.table.column_header_cell(rx.el.span("Actions", class_name="sr-only")),
                        )
                    ),
                    rx.table.body(rx.foreach(AdminState.users, _user_row)),
                    width="100%",
                ),
                overflow_x="auto",
                width="100%",
            ),
            rx.cond(
                AdminState.users_next != "",
                rx.button("More users", variant="ghost", on_click=AdminState.more_users),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _audit_row(row: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["at"].to(str), white_space="nowrap"),
        rx.table.cell(rx.code(row["action"].to(str))),
        rx.table.cell(
            rx.cond(
                row["outcome"].to(str) == "success",
                rx.text("success", color_scheme="green", size="2"),
                rx.text(row["outcome"].to(str), color_scheme="red", size="2"),
            )
        ),
        rx.table.cell(row["actor"].to(str)),
        rx.table.cell(row["target"].to(str)),
        rx.table.cell(row["ip"].to(str)),
        rx.table.cell(rx.text(row["details"].to(str), size="1")),
    )


def _audit_section() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Audit log", size="4", as_="h2"),
            rx.form(
                rx.hstack(
                    rx.box(
                        labelled(
                            "Action",
                            "audit-action",
                            rx.input(
                                id="audit-action",
                                name="action",
                                placeholder="e.g. auth.sign_in_failed",
                                default_value=AdminState.audit_action,
                            ),
                        ),
                        width="16rem",
                    ),
                    rx.box(
                        labelled(
                            "User (e-mail or id)",
                            "audit-actor",
                            rx.input(id="audit-actor", name="actor", default_value=AdminState.audit_actor),
                        ),
                        width="16rem",
                    ),
                    rx.button("Filter", type="submit", variant="soft"),
                    rx.button(
                        rx.icon("download", size=14),
                        "Download CSV",
                        type="button",
                        variant="outline",
                        on_click=rx.download(url=AdminState.audit_csv_url, filename="audit-log.csv"),
                    ),
                    align="end",
                    spacing="3",
                    wrap="wrap",
                ),
                on_submit=AdminState.filter_audit,
                reset_on_submit=False,
            ),
            rx.box(
                rx.table.root(
                    rx.el.caption("Audit log", class_name="sr-only"),
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(label)
                                for label in ("When", "Action", "Outcome", "Who", "Target", "From", "Details")
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(AdminState.audit, _audit_row)),
                    size="1",
                    width="100%",
                ),
                overflow_x="auto",
                width="100%",
            ),
            rx.cond(AdminState.audit == [], rx.text("No entries match.", size="2", color_scheme="gray")),
            rx.cond(
                AdminState.audit_next != "",
                rx.button("Older entries", variant="ghost", on_click=AdminState.more_audit),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _outbox_row(row: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["date"].to(str), white_space="nowrap"),
        rx.table.cell(row["to"].to(str)),
        rx.table.cell(
            rx.button(
                row["subject"].to(str),
                variant="ghost",
                size="1",
                on_click=AdminState.open_mail(row["key"].to(str)),
                white_space="normal",
                text_align="left",
                height="auto",
            )
        ),
    )


def _outbox_section() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Outbox", size="4", as_="h2"),
                rx.button("Refresh", size="1", variant="ghost", on_click=AdminState.refresh_outbox),
                align="center",
            ),
            rx.text(
                "Mail the app wrote to the local outbox because no SMTP server is configured (SMTP_URL).",
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                AdminState.outbox == [],
                rx.text("The outbox is empty.", size="2"),
                rx.table.root(
                    rx.el.caption("Outbox", class_name="sr-only"),
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell("Date"),
                            rx.table.column_header_cell("To"),
                            rx.table.column_header_cell("Subject"),
                        )
                    ),
                    rx.table.body(rx.foreach(AdminState.outbox, _outbox_row)),
                    size="1",
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _mail_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(AdminState.mail_subject),
            rx.dialog.description("To " + AdminState.mail_to, size="2"),
            rx.el.pre(
                AdminState.mail_text,
                class_name="outbox-mail",
                white_space="pre-wrap",
                overflow_wrap="anywhere",
            ),
            rx.dialog.close(rx.button("Close", variant="soft")),
            max_width="720px",
        ),
        open=AdminState.mail_open,
        on_open_change=AdminState.set_mail_open,
    )


@rx.page(route="/admin", title="Admin · Scheduler", on_load=AdminState.load_page)
def admin_page() -> rx.Component:
    return page_frame(
        rx.container(
            rx.vstack(
                rx.heading("Admin", size="6", as_="h1"),
                rx.cond(
                    AdminState.error != "",
                    rx.callout(
                        AdminState.error,
                        icon="triangle-alert",
                        color_scheme="red",
                        role="alert",
                        width="100%",
                    ),
                ),
                rx.cond(
                    AdminState.allowed,
                    rx.vstack(
                        _users_section(), _audit_section(), _outbox_section(), spacing="5", width="100%"
                    ),
                ),
                _mail_dialog(),
                spacing="5",
                padding_y="1rem",
                width="100%",
            ),
            size="4",
        )
    )
