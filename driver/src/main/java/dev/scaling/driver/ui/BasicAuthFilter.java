package dev.scaling.driver.ui;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.util.Arrays;
import java.util.Base64;

/**
 * HTTP Basic authentication for the driver's Spark UI and REST API, installed with {@code
 * spark.ui.filters=dev.scaling.driver.ui.BasicAuthFilter}. Spark 4.1 lets a request without a user
 * through every ACL (a null user is "in" every list), so without a filter the Sweep page, its JSON
 * and the Environment tab are open to anyone who reaches the port. This filter answers a request
 * without valid credentials with 401 and passes an authenticated one on as {@code getRemoteUser()},
 * which Spark's ACLs ({@code spark.acls.enable}, {@code spark.ui.view.acls}) then check.
 *
 * <p>Its parameters come from the Spark conf as {@code
 * spark.dev.scaling.driver.ui.BasicAuthFilter.param.user} and {@code ...param.password} (Spark
 * redacts keys containing "password" in the Environment tab and event logs); an optional {@code
 * ...param.realm} names the realm. A missing, blank or still-placeholder ({@code <...>}) user or
 * password fails the UI's start, so a template copied without filling it in never serves an open
 * UI. Basic sends the password in every request: use it behind TLS ({@code spark.ssl.ui.enabled})
 * or on a trusted network.
 */
public final class BasicAuthFilter implements Filter {
  /** Filter parameter: the one user name accepted. */
  public static final String USER = "user";

  /** Filter parameter: that user's password. */
  public static final String PASSWORD = "password";

  /** Filter parameter: the realm the browser shows (default "scaling-sweep"). */
  public static final String REALM = "realm";

  /** The Spark conf key of filter parameter {@code name}. */
  public static String confKey(String name) {
    return "spark." + BasicAuthFilter.class.getName() + ".param." + name;
  }

  private byte[] user;
  private String userName;
  private byte[] password;
  private String challenge;

  @Override
  public void init(FilterConfig config) throws ServletException {
    userName = required(config, USER);
    user = userName.getBytes(StandardCharsets.UTF_8);
    password = required(config, PASSWORD).getBytes(StandardCharsets.UTF_8);
    String realm = config.getInitParameter(REALM);
    realm = realm == null || realm.isBlank() ? "scaling-sweep" : realm.replace("\"", "");
    challenge = "Basic realm=\"" + realm + "\", charset=\"UTF-8\"";
  }

  private static String required(FilterConfig config, String name) throws ServletException {
    String value = config.getInitParameter(name);
    if (value == null || value.isBlank()) {
      throw new ServletException(
          confKey(name) + " must be set for the UI's basic authentication, found none");
    }
    if (value.startsWith("<") && value.endsWith(">")) {
      throw new ServletException(
          confKey(name) + " must be filled in, found the template's placeholder " + value);
    }
    return value;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest http = (HttpServletRequest) request;
    if (authenticated(http.getHeader("Authorization"))) {
      chain.doFilter(new Authenticated(http, userName), response);
      return;
    }
    HttpServletResponse out = (HttpServletResponse) response;
    out.setHeader("WWW-Authenticate", challenge);
    out.sendError(HttpServletResponse.SC_UNAUTHORIZED, "authentication required");
  }

  /** Whether an {@code Authorization} header carries this filter's user and password. */
  boolean authenticated(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(header.substring(6).trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    int colon = -1;
    for (int i = 0; i < decoded.length; i++) {
      if (decoded[i] == ':') {
        colon = i;
        break;
      }
    }
    if (colon < 0) {
      return false;
    }
    byte[] givenUser = Arrays.copyOfRange(decoded, 0, colon);
    byte[] givenPassword = Arrays.copyOfRange(decoded, colon + 1, decoded.length);
    // Both compared in constant time, and both always compared.
    boolean userOk = MessageDigest.isEqual(user, givenUser);
    boolean passwordOk = MessageDigest.isEqual(password, givenPassword);
    return userOk & passwordOk;
  }

  /** The request as the authenticated user: what Spark's ACL checks read. */
  private static final class Authenticated extends HttpServletRequestWrapper {
    private final String user;

    Authenticated(HttpServletRequest request, String user) {
      super(request);
      this.user = user;
    }

    @Override
    public String getRemoteUser() {
      return user;
    }

    @Override
    public Principal getUserPrincipal() {
      return () -> user;
    }

    @Override
    public String getAuthType() {
      return HttpServletRequest.BASIC_AUTH;
    }
  }
}
