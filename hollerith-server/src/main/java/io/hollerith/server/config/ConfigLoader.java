package io.hollerith.server.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the configuration: the YAML file, then {@code HOLLERITH_…} environment variables, then
 * {@code --set key=value} overrides from the command line, each overriding the one before.
 *
 * <p>Keys are snake_case paths into {@link HollerithConfig}; the environment variable of a key is
 * {@code HOLLERITH_} followed by its path in upper case with dots as underscores ({@code
 * listeners.udp.port} is {@code HOLLERITH_LISTENERS_UDP_PORT}). Override values are read as YAML,
 * so {@code true}, {@code 8125}, {@code 10s} and {@code [90, 99]} all work. An unknown key (in the
 * file or an override) or a value of the wrong type stops start-up: every problem, including the
 * range and combination checks of {@link ConfigValidator} on the keys that did parse, is collected
 * and reported at once by {@link ConfigException}, each naming the key and what it allows.
 *
 * <p>A {@code HOLLERITH_…} variable that names no key is only a warning ({@link #warnings()}): the
 * environment is shared with other programs. Variables named by a {@code *_env} key (such as {@code
 * storage.postgresql.password_env: HOLLERITH_PG_PASSWORD}) hold secrets, not configuration, and are
 * skipped without a word.
 *
 * <p>Not thread-safe: {@link #warnings()} belongs to the last {@link #load}; use one loader per
 * load.
 */
public final class ConfigLoader {

  /**
   * Environment variables with the prefix that belong to the launcher, not to the configuration.
   */
  static final Set<String> RESERVED_ENV =
      Set.of("HOLLERITH_JAVA_OPTS", "HOLLERITH_HOME", "HOLLERITH_CONFIG");

  private static final String ENV_PREFIX = "HOLLERITH_";

  private static final String SECRET_NAME_SUFFIX = "_env";

  private final ObjectMapper mapper;
  private final Map<String, String> envToPath;
  private final List<String> warnings = new ArrayList<>();

  public ConfigLoader() {
    this.mapper = newMapper();
    this.envToPath = new TreeMap<>();
    collectLeafPaths(HollerithConfig.class, "", envToPath);
  }

  /** The mapper used to bind configuration: snake_case keys, durations such as {@code 10s}. */
  public static ObjectMapper newMapper() {
    SimpleModule durations = new SimpleModule("hollerith-config-values");
    durations.addDeserializer(
        Duration.class,
        new JsonDeserializer<>() {
          @Override
          public Duration deserialize(JsonParser p, DeserializationContext ctxt)
              throws IOException {
            try {
              return DurationValues.parse(p.getValueAsString());
            } catch (IllegalArgumentException e) {
              throw ctxt.weirdStringException(p.getValueAsString(), Duration.class, e.getMessage());
            }
          }
        });
    // Etsy writes the last histogram bin as 'inf'. (YAML's .inf is refused by Jackson's YAML parser
    // itself.)
    durations.addDeserializer(
        Double.class,
        new JsonDeserializer<>() {
          @Override
          public Double deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
              String text = p.getText().trim().toLowerCase(Locale.ROOT);
              if (text.equals("inf") || text.equals("+inf") || text.equals("infinity")) {
                return Double.POSITIVE_INFINITY;
              }
              return (Double)
                  ctxt.handleWeirdStringValue(Double.class, p.getText(), "not a number");
            }
            return p.getValueAsDouble();
          }
        });
    return YAMLMapper.builder()
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .addModule(durations)
        .build();
  }

  /**
   * Loads and validates the configuration.
   *
   * @param file the YAML file, or null for defaults only
   * @param env the process environment (only {@code HOLLERITH_…} entries are read)
   * @param overrides {@code key.path=value} strings from the command line
   * @throws ConfigException listing every problem found
   */
  public HollerithConfig load(Path file, Map<String, String> env, List<String> overrides)
      throws ConfigException {
    List<String> problems = new ArrayList<>();
    warnings.clear();
    ObjectNode tree = readFile(file, problems);
    Set<String> secretVariables = secretVariableNames(tree, env, overrides);
    env.entrySet().stream()
        .filter(e -> e.getKey().startsWith(ENV_PREFIX) && !RESERVED_ENV.contains(e.getKey()))
        .filter(e -> !secretVariables.contains(e.getKey()))
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              String path = envToPath.get(e.getKey());
              if (path == null) {
                warnings.add(
                    "ignoring environment variable "
                        + e.getKey()
                        + ": it names no configuration key (a key's "
                        + "variable is HOLLERITH_ and its path in upper case, e.g. HOLLERITH_LISTENERS_UDP_PORT)");
              } else {
                apply(tree, path, e.getValue(), "environment variable " + e.getKey(), problems);
              }
            });
    for (String override : overrides) {
      int eq = override.indexOf('=');
      if (eq <= 0) {
        problems.add("--set '" + override + "': expected key.path=value");
        continue;
      }
      String path = override.substring(0, eq).trim();
      if (!envToPath.containsValue(path)) {
        problems.add("--set: unknown key '" + path + "'");
        continue;
      }
      apply(tree, path, override.substring(eq + 1), "--set " + path, problems);
    }
    checkTree(tree, HollerithConfig.class, "", problems);
    HollerithConfig config;
    try {
      config = mapper.treeToValue(tree, HollerithConfig.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      problems.add(e.getMessage());
      throw new ConfigException(problems);
    }
    problems.addAll(ConfigValidator.validate(config));
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return config;
  }

  /** What the last {@link #load} did not refuse but the operator should know, one line each. */
  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  /**
   * The environment variables that {@code *_env} keys name, from the file, the environment and the
   * overrides: their values are secrets read by whoever needs them, never configuration.
   */
  private Set<String> secretVariableNames(
      ObjectNode tree, Map<String, String> env, List<String> overrides) {
    Set<String> names = new HashSet<>();
    collectSecretNames(tree, names);
    envToPath.forEach(
        (variable, path) -> {
          if (path.endsWith(SECRET_NAME_SUFFIX) && env.get(variable) != null) {
            names.add(env.get(variable).trim());
          }
        });
    for (String override : overrides) {
      int eq = override.indexOf('=');
      if (eq > 0 && override.substring(0, eq).trim().endsWith(SECRET_NAME_SUFFIX)) {
        names.add(override.substring(eq + 1).trim());
      }
    }
    return names;
  }

  private static void collectSecretNames(JsonNode node, Set<String> names) {
    node.fields()
        .forEachRemaining(
            field -> {
              if (field.getValue().isObject()) {
                collectSecretNames(field.getValue(), names);
              } else if (field.getKey().endsWith(SECRET_NAME_SUFFIX)
                  && field.getValue().isTextual()) {
                names.add(field.getValue().asText().trim());
              }
            });
  }

  /** Every configuration key as a dotted path, with its environment variable name. */
  public Map<String, String> environmentVariables() {
    return Collections.unmodifiableMap(envToPath);
  }

  private ObjectNode readFile(Path file, List<String> problems) {
    if (file == null) {
      return JsonNodeFactory.instance.objectNode();
    }
    if (!Files.isRegularFile(file)) {
      problems.add("configuration file " + file + " does not exist or is not a file");
      return JsonNodeFactory.instance.objectNode();
    }
    try {
      JsonNode node = mapper.readTree(file.toFile());
      if (node == null || node.isMissingNode() || node.isNull()) {
        return JsonNodeFactory.instance.objectNode();
      }
      if (!node.isObject()) {
        problems.add(
            "configuration file " + file + ": the top level must be a mapping of keys to values");
        return JsonNodeFactory.instance.objectNode();
      }
      return (ObjectNode) node;
    } catch (IOException e) {
      problems.add("configuration file " + file + " is not valid YAML: " + e.getMessage());
      return JsonNodeFactory.instance.objectNode();
    }
  }

  private void apply(
      ObjectNode tree, String path, String rawValue, String source, List<String> problems) {
    JsonNode value;
    try {
      value = rawValue.isEmpty() ? NullNode.instance : mapper.readTree(rawValue);
      if (value == null || value.isMissingNode()) {
        value = NullNode.instance;
      }
    } catch (IOException e) {
      problems.add(
          source
              + ": "
              + (isSecret(path) ? "the value" : "'" + rawValue + "'")
              + " is not a valid value");
      return;
    }
    String[] parts = path.split("\\.");
    ObjectNode node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = node.get(parts[i]);
      if (!(child instanceof ObjectNode)) {
        child = node.putObject(parts[i]);
      }
      node = (ObjectNode) child;
    }
    node.set(parts[parts.length - 1], value);
  }

  /**
   * Reports unknown keys and values of the wrong type, and removes them from {@code node} so that
   * the keys that remain can still be bound and range-checked in the same pass.
   */
  private void checkTree(
      ObjectNode node, Class<?> recordType, String prefix, List<String> problems) {
    Map<String, RecordComponent> components = components(recordType);
    List<String> rejected = new ArrayList<>();
    node.fields()
        .forEachRemaining(
            field -> {
              String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
              RecordComponent component = components.get(field.getKey());
              JsonNode value = field.getValue();
              if (component == null) {
                problems.add("unknown key '" + path + "' (allowed here: " + keys(recordType) + ")");
                rejected.add(field.getKey());
              } else if (value.isNull()) {
                return;
              } else if (component.getType().isRecord()) {
                if (value instanceof ObjectNode section) {
                  checkTree(section, component.getType(), path, problems);
                } else {
                  problems.add(
                      path + ": expected a mapping with keys " + keys(component.getType()));
                  rejected.add(field.getKey());
                }
              } else if (recordElement(component) != null && value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                  if (value.get(i) instanceof ObjectNode element) {
                    checkTree(element, recordElement(component), path + "[" + i + "]", problems);
                  } else {
                    problems.add(
                        path
                            + "["
                            + i
                            + "]: expected a mapping with keys "
                            + keys(recordElement(component)));
                    rejected.add(field.getKey());
                  }
                }
              } else if (!isValid(value, component.getGenericType())) {
                problems.add(
                    path
                        + ": "
                        + (isSecret(path) ? "the value" : describe(value))
                        + " is not allowed; expected "
                        + expected(
                            mapper.getTypeFactory().constructType(component.getGenericType())));
                rejected.add(field.getKey());
              }
            });
    node.remove(rejected);
  }

  /** The record type of a {@code List<SomeRecord>} component, or null. */
  private static Class<?> recordElement(RecordComponent component) {
    if (component.getType() == List.class
        && component.getGenericType() instanceof ParameterizedType list
        && list.getActualTypeArguments()[0] instanceof Class<?> element
        && element.isRecord()) {
      return element;
    }
    return null;
  }

  private boolean isValid(JsonNode value, Type type) {
    try {
      mapper.treeToValue(value, mapper.getTypeFactory().constructType(type));
      return true;
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return false;
    }
  }

  /** Keys holding a password, whose values no message may quote. */
  private static boolean isSecret(String path) {
    return path.endsWith("password");
  }

  private static String describe(JsonNode value) {
    String text = value.isValueNode() ? value.asText() : value.toString();
    return "'" + (text.length() > 60 ? text.substring(0, 60) + "…" : text) + "'";
  }

  private static String expected(JavaType type) {
    Class<?> raw = type.getRawClass();
    if (raw == Boolean.class || raw == boolean.class) {
      return "true or false";
    }
    if (raw == Integer.class || raw == int.class || raw == Long.class) {
      return "a whole number";
    }
    if (raw == Double.class) {
      return "a number";
    }
    if (raw == Duration.class) {
      return "a duration such as 500ms, 10s, 1m, 2h or 7d";
    }
    if (raw == String.class) {
      return "text";
    }
    if (List.class.isAssignableFrom(raw)) {
      JavaType element = type.getContentType();
      if (element.getRawClass().isRecord()) {
        return "a list of mappings with keys " + keys(element.getRawClass());
      }
      return "a list of " + expected(element).replaceFirst("^a ", "") + "s";
    }
    return raw.getSimpleName();
  }

  private static String keys(Class<?> recordType) {
    return String.join(", ", components(recordType).keySet());
  }

  private static Map<String, RecordComponent> components(Class<?> recordType) {
    Map<String, RecordComponent> byName = new LinkedHashMap<>();
    for (RecordComponent c : recordType.getRecordComponents()) {
      byName.put(snake(c.getName()), c);
    }
    return byName;
  }

  private static void collectLeafPaths(
      Class<?> recordType, String prefix, Map<String, String> out) {
    for (RecordComponent c : recordType.getRecordComponents()) {
      String path = prefix.isEmpty() ? snake(c.getName()) : prefix + "." + snake(c.getName());
      if (c.getType().isRecord()) {
        collectLeafPaths(c.getType(), path, out);
      } else {
        out.put(ENV_PREFIX + path.replace('.', '_').toUpperCase(Locale.ROOT), path);
      }
    }
  }

  private static String snake(String camel) {
    return ((PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE)
        .translate(camel);
  }
}
