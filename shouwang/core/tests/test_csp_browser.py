"""A stored-XSS slip — markup a name or a note smuggled into a real page — runs no
script in the browser: the page's own Content-Security-Policy refuses it."""

import pytest

from shouwang.core.tests.browser import csp_violations

SLIP = (
    "<script>window.pwned = 'script'</script>"
    "<img src='/static/shouwang/favicon.svg' onload=\"window.pwned = 'handler'\">"
    "<a id='slip-url' href=\"javascript:window.pwned = 'url'\">链接</a>"
    "<button id='slip-htmx' hx-on:click=\"window.pwned = 'htmx'\">按钮</button>"
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_markup_slipped_into_a_page_runs_no_script(browser, live_server) -> None:
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    violations = csp_violations(page)

    def slip_in(route) -> None:
        response = route.fetch()
        body = response.text().replace("</main>", SLIP + "</main>")
        route.fulfill(response=response, body=body)

    page.route("**/accounts/login/", slip_in)
    page.goto("/accounts/login/")
    page.wait_for_function("() => window.htmx !== undefined")
    page.click("#slip-url")
    page.click("#slip-htmx")
    assert page.evaluate("window.pwned") is None
    expected = [
        "script-src-elem blocked inline",  # the <script> and the javascript: URL
        "script-src-attr blocked inline",  # the onload handler
        "script-src blocked eval",  # htmx compiling hx-on
    ]
    # The refusals reach the test as events, some after the clicks return (seen late on
    # a loaded machine): wait for them a while before reading the list.
    for _ in range(50):
        if all(e in " ".join(violations) for e in expected):
            break
        page.wait_for_timeout(100)
    context.close()
    refused = " ".join(violations)
    for refusal in expected:
        assert refusal in refused
