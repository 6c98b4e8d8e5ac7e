from tests import factories


def test_home_lists_open_notice(client):
    w = factories.world()
    resp = client.get("/")
    assert resp.status_code == 200
    assert w["notice"].title in resp.get_data(as_text=True)
