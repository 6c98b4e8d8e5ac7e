"""Pages re-shown with errors: "错误：" title prefix and an error summary that takes focus."""
from tests import factories


def test_error_page_title_and_focus(client):
    w = factories.world()
    resp = client.post(f"/notices/{w['notice'].id}/comments", data={"body": "", "stance": "support"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "<title>错误：" in html
    assert 'class="error-summary" role="alert" tabindex="-1" autofocus' in html
    ok = client.get(f"/notices/{w['notice'].id}").get_data(as_text=True)
    assert "<title>错误：" not in ok
