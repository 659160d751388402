"""Campus systems in the browser: the admin registers a subscriber pointing at a receiver the
test starts (every request verified with the published ``standardwebhooks`` package), sees
its secrets once, pings it, finds the delivery in the log, resends it and replays; a
registrar sees only their institution's systems; the public event catalogue needs no login."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import pytest_asyncio
from jiaodui_contracts.photos import PhotoConfirmed
from jiaodui_runtime.testing import StackEndpoints, eventually
from jiaodui_runtime.testing.accounts import admin_credentials, create_staff, log_in
from jiaodui_runtime.testing.events import publish
from jiaodui_runtime.testing.webhooks import WebhookReceiver
from playwright.async_api import Browser, Page

from tests.browser.portal import audit, open_page, sign_in

pytestmark = [pytest.mark.integration, pytest.mark.browser]
PING = "jiaodui.subscriptions.Ping.v1"
SHANGHAI = timedelta(hours=8)


@pytest_asyncio.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    started = await WebhookReceiver().start()
    yield started
    await started.stop()


def institution_code() -> str:
    return f"W{uuid.uuid4().hex[:7]}"


def confirmed(code: str) -> PhotoConfirmed:
    return PhotoConfirmed(
        photo_id=str(uuid.uuid4()), record_id=str(uuid.uuid4()), account_id=str(uuid.uuid4()),
        institution_code=code, branch="信息学院", kind="graduation", confirmed_at=datetime.now(UTC),
    )  # fmt: skip


async def confirm_box(page: Page, button: str) -> None:
    await page.locator(".el-message-box").get_by_role("button", name=button).click()


async def open_campus_systems(page: Page) -> None:
    nav = page.get_by_role("navigation", name="菜单")
    await nav.get_by_role("menuitem", name="系统对接").click()
    await page.get_by_role("heading", name="系统对接", level=1).wait_for()


async def verified(receiver: WebhookReceiver, event_type: str, times: int = 1) -> bool:
    got = [r for r in receiver.of_type(event_type) if r.verified]
    return len(got) >= times


async def test_admin_registers_a_campus_system_pings_resends_and_replays(
    browser: Browser, stack: StackEndpoints, receiver: WebhookReceiver
) -> None:
    assert stack.gateway_url and stack.stack_dir
    shots = stack.stack_dir / "screenshots"
    code, name = institution_code(), f"证书打印 {uuid.uuid4().hex[:4]}"
    watched = await open_page(browser, permissions=["clipboard-read", "clipboard-write"])
    page = watched.page
    await sign_in(page, stack.gateway_url, *admin_credentials(stack))
    await open_campus_systems(page)

    await page.get_by_role("button", name="登记系统").click()
    dialog = page.get_by_role("dialog", name="登记校内系统")
    await dialog.get_by_label("系统名称").fill(name)
    await dialog.get_by_label("负责人电子邮箱").fill(f"owner-{code.lower()}@campus.example.edu.cn")
    await dialog.get_by_label("接收地址（Webhook URL）").fill(receiver.url)
    await dialog.get_by_label("学校代码").fill(code)
    photos = dialog.get_by_role("group", name="图像校对")
    await photos.get_by_text("PhotoConfirmed", exact=True).click()  # the box itself is hidden
    assert await photos.get_by_role("checkbox", name="PhotoConfirmed").is_checked()
    await audit(watched, "subscribers-register", shots)
    await dialog.get_by_role("button", name="登记系统").click()

    # the secrets, once, with copy buttons and the warning
    secrets = page.get_by_role("dialog", name=f"已登记 {name}：请立即保存密钥")
    await secrets.get_by_text("以下密钥只显示这一次").wait_for()
    secret = await secrets.get_by_role("textbox", name="Webhook 签名密钥").input_value()
    client_id = await secrets.get_by_role("textbox", name="客户端 ID").input_value()
    client_secret = await secrets.get_by_role("textbox", name="客户端密钥").input_value()
    assert secret.startswith("whsec_") and client_id and len(client_secret) > 30
    await secrets.get_by_role("button", name="复制Webhook 签名密钥").click()
    await page.get_by_text("已复制Webhook 签名密钥。").wait_for()
    assert await page.evaluate("navigator.clipboard.readText()") == secret
    await audit(watched, "subscribers-secrets", shots)
    await secrets.get_by_role("button", name="我已保存").click()
    await secrets.wait_for(state="hidden")
    await page.locator(".el-dialog.is-closing").wait_for(state="detached")  # its fade-out
    assert secret not in await page.content()  # shown once: gone with the dialog
    receiver.verify_with(secret)

    row = page.locator("#main").get_by_role("row").filter(has_text=name)
    await row.get_by_text("正常").wait_for()
    await audit(watched, "subscribers", shots)

    # ping → a verified test event at the receiver
    await row.get_by_role("button", name=f"{name} 的更多操作").click()
    await page.get_by_role("menuitem", name="发送测试事件").click()
    await page.get_by_text(f"已向 {name} 发送测试事件").wait_for()
    await eventually(lambda: verified(receiver, PING), what="the ping at the receiver")

    # a real event of the institution, published as photos publishes it
    await publish(stack.kafka_bootstrap, confirmed(code))
    await eventually(
        lambda: verified(receiver, PhotoConfirmed.TYPE), timeout_s=60, what="PhotoConfirmed"
    )

    # the delivery log: the ping delivered with 200, resent under the same webhook-id
    await row.get_by_role("link", name=f"{name} 的推送记录").click()
    await page.get_by_role("heading", name="推送记录", level=1).wait_for()
    log = page.locator("#main").get_by_role("row")
    ping_row = log.filter(has_text="Ping v1")
    await ping_row.get_by_text("已送达").wait_for(timeout=20_000)
    await ping_row.get_by_role("cell", name="200", exact=True).wait_for()
    await log.filter(has_text="PhotoConfirmed v1").get_by_text("已送达").wait_for(timeout=20_000)
    await audit(watched, "subscriber-deliveries", shots)
    ping_id = receiver.of_type(PING)[0].webhook_id
    await ping_row.get_by_role("button", name="重新推送").click()
    await page.get_by_text("已重新排队，将使用相同的 webhook-id 再次推送。").wait_for()

    async def resent() -> bool:
        return [r.attempt for r in receiver.received if r.webhook_id == ping_id] == [1, 2]

    await eventually(resent, what="the resent ping under its webhook-id")
    assert all(r.verified for r in receiver.received)

    # replay since ten minutes ago (Beijing time): the PhotoConfirmed again, same webhook-id
    since = (datetime.now(UTC) + SHANGHAI - timedelta(minutes=10)).strftime("%Y-%m-%d %H:%M")
    await page.get_by_label("自（北京时间）").fill(since)
    await page.get_by_label("自（北京时间）").press("Enter")
    await page.get_by_role("button", name="重放", exact=True).click()
    await confirm_box(page, "重放")
    await page.get_by_text("已重新排队 1 个事件。").wait_for()
    await eventually(
        lambda: verified(receiver, PhotoConfirmed.TYPE, times=2), what="the replayed event"
    )
    assert len({r.webhook_id for r in receiver.of_type(PhotoConfirmed.TYPE)}) == 1

    # the catalogue is linked from the subscriber page; delete with confirmation
    await page.get_by_role("link", name="返回系统列表").click()
    await page.get_by_role("link", name="查看事件目录与签名校验方法").click()
    await page.get_by_role("heading", name="事件目录", level=1).wait_for()
    await page.go_back()
    await row.get_by_role("button", name=f"{name} 的更多操作").click()
    await page.get_by_role("menuitem", name="删除").click()
    await confirm_box(page, "删除")
    await page.get_by_text(f"已删除 {name}。").wait_for()
    await row.wait_for(state="detached")
    await page.context.close()


async def test_a_registrar_manages_only_their_institutions_systems(
    browser: Browser, gateway: httpx.AsyncClient, stack: StackEndpoints
) -> None:
    assert stack.gateway_url and stack.stack_dir
    own, other = institution_code(), institution_code()
    registrar = await create_staff(gateway, stack, role="registrar", institution_code=own)
    admin = {"Authorization": f"Bearer {await log_in(gateway, *admin_credentials(stack))}"}
    names = {}
    for code in (own, other):
        names[code] = f"离校系统 {code}"
        made = await gateway.post(
            "/api/subscriptions/v1/subscribers",
            json={
                "name": names[code], "owner_email": f"o-{code.lower()}@campus.example.edu.cn",
                "url": "http://127.0.0.1:9/hook", "event_types": [PhotoConfirmed.TYPE],
                "institution_code": code,
            },
            headers=admin,
        )  # fmt: skip
        assert made.status_code == 201, made.text

    watched = await open_page(browser)
    page = watched.page
    await sign_in(page, stack.gateway_url, registrar.email, registrar.password)
    await open_campus_systems(page)
    main = page.locator("#main")
    await main.get_by_role("row").filter(has_text=names[own]).wait_for()
    assert await main.get_by_text(names[other]).count() == 0
    await page.get_by_role("button", name="登记系统").click()
    dialog = page.get_by_role("dialog", name="登记校内系统")
    institution = dialog.get_by_label("学校代码")
    assert await institution.input_value() == own
    assert await institution.is_disabled()
    await audit(watched, "subscribers-registrar", stack.stack_dir / "screenshots")
    await page.context.close()


async def test_the_public_catalogue_needs_no_login(browser: Browser, stack: StackEndpoints) -> None:
    assert stack.gateway_url and stack.stack_dir
    watched = await open_page(browser)
    page = watched.page
    await page.goto(f"{stack.gateway_url}/catalogue")
    await page.get_by_role("heading", name="事件目录", level=1).wait_for()
    card = page.locator("#jiaodui-photos-PhotoConfirmed-v1")
    await card.get_by_role("heading", name="PhotoConfirmed").wait_for()
    await card.get_by_text("第 1 版").wait_for()
    await card.get_by_text("发出服务：图像校对").wait_for()
    await card.get_by_role("button", name="数据结构（JSON Schema）").click()
    await card.get_by_text('"photo_id"').first.wait_for()
    await page.get_by_role("button", name="Python（standardwebhooks 库）").click()
    await page.get_by_text("from standardwebhooks import Webhook").wait_for()
    await page.get_by_role("button", name="Java（仅用标准库）").click()
    await page.get_by_text('Mac.getInstance("HmacSHA256")').wait_for()
    await audit(watched, "catalogue", stack.stack_dir / "screenshots")
    await page.context.close()
