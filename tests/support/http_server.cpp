#include "support/http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace pgverify::testing {

int listen_on_loopback(int& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 16) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  port = ntohs(address.sin_port);
  return fd;
}

namespace {

std::string reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 404: return "Not Found";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

}  // namespace

// A context with a fresh self-signed certificate for 127.0.0.1.
struct HttpServer::Tls {
  SSL_CTX* context = nullptr;
  Tls() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
    if (X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, "IP:127.0.0.1")) {
      X509_add_ext(cert, san, -1);
      X509_EXTENSION_free(san);
    }
    X509_sign(cert, key, EVP_sha256());
    context = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(context, cert);
    SSL_CTX_use_PrivateKey(context, key);
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  ~Tls() { SSL_CTX_free(context); }
};

HttpServer::HttpServer(HttpAnswer answer, bool tls) : m_answer(std::move(answer)), m_tls(tls) {
  if (m_tls) m_ssl = std::make_unique<Tls>();
  m_listener = listen_on_loopback(m_port);
  m_thread = std::thread([this] { serve(); });
}

HttpServer::~HttpServer() {
  m_stop = true;
  m_thread.join();
  ::close(m_listener);
}

std::string HttpServer::url(const std::string& path) const {
  return std::string(m_tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(m_port) + path;
}

void accept_until(int listener, const std::atomic<bool>& stop, const std::function<void(int client)>& on_client) {
  while (!stop) {
    pollfd poll_fd{listener, POLLIN, 0};
    if (::poll(&poll_fd, 1, 50) <= 0) continue;
    int client = ::accept(listener, nullptr, nullptr);
    if (client >= 0) on_client(client);
  }
}

void HttpServer::serve() {
  accept_until(m_listener, m_stop, [this](int client) {
    answer_one(client);
    ::close(client);
  });
}

void HttpServer::answer_one(int client) {
  SSL* ssl = nullptr;
  if (m_tls) {
    ssl = SSL_new(m_ssl->context);
    SSL_set_fd(ssl, client);
    if (SSL_accept(ssl) != 1) {  // the client refused our certificate
      ERR_clear_error();
      SSL_free(ssl);
      return;
    }
  }
  auto receive = [&](char* buffer, int size) { return ssl ? SSL_read(ssl, buffer, size) : ::recv(client, buffer, size, 0); };
  auto send_all = [&](const std::string& data) {
    if (ssl) SSL_write(ssl, data.data(), static_cast<int>(data.size()));
    else ::send(client, data.data(), data.size(), MSG_NOSIGNAL);
  };
  std::string request;
  char buffer[4096];
  while (request.find("\r\n\r\n") == std::string::npos) {
    pollfd poll_fd{client, POLLIN, 0};
    if (!(ssl && SSL_pending(ssl)) && ::poll(&poll_fd, 1, 2000) <= 0) break;
    const auto got = receive(buffer, sizeof buffer);
    if (got <= 0) break;
    request.append(buffer, static_cast<std::size_t>(got));
  }
  const int number = ++m_requests;
  // Wait in small steps so the destructor never waits long.
  for (auto waited = std::chrono::milliseconds(0); waited < m_answer.delay && !m_stop; waited += std::chrono::milliseconds(20))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const int status = number <= m_answer.fail_first ? 503 : m_answer.status;
  const std::string body = number <= m_answer.fail_first ? "starting" : m_answer.body;
  send_all("HTTP/1.1 " + std::to_string(status) + " " + reason(status) + "\r\nContent-Type: text/plain\r\n" +
           m_answer.headers + "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
  if (ssl) {
    SSL_shutdown(ssl);
    SSL_free(ssl);
  }
}

int unused_port() {
  int port = 0;
  int fd = listen_on_loopback(port);
  ::close(fd);
  return port;
}

}  // namespace pgverify::testing
