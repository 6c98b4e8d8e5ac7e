"""The real gateways: HTTP SMS posts JSON to the configured URL; SMTP speaks to a mail server.
Local servers on loopback stand in for the provider; nothing leaves the machine."""
import json
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from consult import jobs
from consult.extensions import db
from consult.messaging import gateways
from consult.messaging.models import Message, MessageStatus
from tests import factories


class _SmsHandler(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.path, self.headers["Content-Type"], json.loads(body)))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def sms_server(app):
    server = HTTPServer(("127.0.0.1", 0), _SmsHandler)
    _SmsHandler.received, _SmsHandler.status = [], 200
    threading.Thread(target=server.serve_forever, daemon=True).start()
    old = dict(app.config)
    app.config.update(SMS_GATEWAY="http", SMS_HTTP_URL=f"http://127.0.0.1:{server.server_port}/send")
    yield _SmsHandler
    app.config.update(SMS_GATEWAY=old["SMS_GATEWAY"], SMS_HTTP_URL=old["SMS_HTTP_URL"])
    server.shutdown()


def test_http_sms_gateway_posts_json(sms_server):
    gateways.send_sms("13812345678", "您的验证码是 123456")
    assert sms_server.received == [("/send", "application/json", {"phone": "13812345678", "text": "您的验证码是 123456"})]


def test_http_sms_gateway_error_is_raised_and_message_marked_failed(sms_server):
    from consult.messaging.services import queue_sms

    sms_server.status = 500
    msg = queue_sms("13812345678", "测试", purpose="test")
    jobs.commit()  # in-process: the failure is logged, the message marked
    db.session.expire_all()
    msg = db.session.get(Message, msg.id)
    assert msg.status == MessageStatus.FAILED and msg.attempts == 3 and "500" in msg.last_error


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP to accept one message."""
    messages: list = []

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        data, rcpt, mail_from = None, [], None
        while line := self.rfile.readline():
            cmd = line.decode("utf-8", "replace").strip()
            if data is not None:
                if cmd == ".":
                    type(self).messages.append((mail_from, rcpt, "\n".join(data)))
                    data = None
                    self.wfile.write(b"250 OK\r\n")
                else:
                    data.append(cmd)
                continue
            verb = cmd.split(" ")[0].upper()
            if verb in ("EHLO", "HELO"):
                self.wfile.write(b"250 test\r\n")
            elif verb == "MAIL":
                mail_from = cmd[10:].strip("<>")
                self.wfile.write(b"250 OK\r\n")
            elif verb == "RCPT":
                rcpt.append(cmd[8:].strip("<>"))
                self.wfile.write(b"250 OK\r\n")
            elif verb == "DATA":
                data = []
                self.wfile.write(b"354 go ahead\r\n")
            elif verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")


@pytest.fixture
def smtp_server(app):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpHandler)
    _SmtpHandler.messages = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    keys = ("EMAIL_GATEWAY", "SMTP_HOST", "SMTP_PORT", "SMTP_FROM", "NOTIFY_EMAIL")
    old = {k: app.config.get(k) for k in keys}
    app.config.update(EMAIL_GATEWAY="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=server.server_address[1],
                      SMTP_FROM="noreply@consult.example", NOTIFY_EMAIL="office@consult.example")
    yield _SmtpHandler
    app.config.update(old)
    server.shutdown()
    server.server_close()


def test_smtp_gateway_sends_a_message(smtp_server):
    gateways.send_email("office@consult.example", "主题", "正文内容")
    [(sender, rcpt, data)] = smtp_server.messages
    assert sender == "noreply@consult.example" and rcpt == ["office@consult.example"]
    assert "Subject:" in data and "To: office@consult.example" in data


def test_comment_awaiting_moderation_emails_the_office(client, smtp_server):
    w = factories.world()
    w["matter"].requires_moderation = True
    db.session.commit()
    resp = client.post(f"/notices/{w['notice'].id}/comments",
                       data={"body": "需要审核的意见，我的电话 13812345678", "stance": "oppose"})
    assert resp.status_code == 302
    [msg] = db.session.query(Message).filter_by(purpose="comment.moderation").all()
    assert msg.status == MessageStatus.SENT and "13812345678" not in msg.body and "需要审核" not in msg.body
    [(_, rcpt, data)] = smtp_server.messages
    assert rcpt == ["office@consult.example"]
    w["matter"].requires_moderation = False
    db.session.commit()
    client.post(f"/notices/{w['notice'].id}/comments", data={"body": "直接公开的意见", "stance": "support"})
    assert db.session.query(Message).filter_by(purpose="comment.moderation").count() == 1
    assert db.session.query(Message).count() == 1
