package dev.juice.schemaregistry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * The registry's state and rules, transport-free: subjects with numbered versions, globally unique
 * schema ids (the same schema text gets the same id under every subject), soft and permanent deletes,
 * and compatibility levels (global and per subject, BACKWARD by default). Every change is appended to
 * the {@link RegistryStore} before it is applied, so replaying the store rebuilds this state. One
 * writer; all methods are serialised.
 */
public final class SchemaRegistry implements AutoCloseable {
  /** A version of a subject. */
  public record Version(String subject, int version, int id, String schema, boolean deleted) {}

  private final RegistryStore store;
  private final Map<String, TreeMap<Integer, Version>> subjects = new TreeMap<>();
  private final Map<Integer, String> schemasById = new HashMap<>();
  private final Map<String, Integer> idsBySchema = new HashMap<>();
  private final Map<String, CompatibilityLevel> subjectConfig = new HashMap<>();
  private CompatibilityLevel globalConfig = CompatibilityLevel.BACKWARD;
  private int maxId;

  public SchemaRegistry(RegistryStore store) {
    this.store = Objects.requireNonNull(store);
    store.replay().forEach(this::apply);
  }

  private void apply(RegistryEvent event) {
    if (event instanceof RegistryEvent.SchemaVersion s) {
        subjects.computeIfAbsent(s.subject(), k -> new TreeMap<>())
            .put(s.version(), new Version(s.subject(), s.version(), s.id(), s.schema(), s.deleted()));
        schemasById.put(s.id(), s.schema());
        idsBySchema.putIfAbsent(s.schema(), s.id());
        maxId = Math.max(maxId, s.id());
    } else if (event instanceof RegistryEvent.SchemaVersionRemoved r) {
        TreeMap<Integer, Version> versions = subjects.get(r.subject());
        if (versions != null) {
          versions.remove(r.version());
          if (versions.isEmpty()) subjects.remove(r.subject());
        }
    } else if (event instanceof RegistryEvent.Config c) {
        if (c.subject() == null) {
          globalConfig = c.level() == null ? CompatibilityLevel.BACKWARD : CompatibilityLevel.parse(c.level());
        } else if (c.level() == null) {
          subjectConfig.remove(c.subject());
        } else {
          subjectConfig.put(c.subject(), CompatibilityLevel.parse(c.level()));
        }
    }
  }

  private void commit(RegistryEvent event) {
    store.append(event);
    apply(event);
  }

  /** Parses and normalises a schema string; 42201 if it is not a valid Avro schema. */
  public static Schema parse(String schema) {
    if (schema == null || schema.isBlank()) throw RegistryError.invalidSchema("empty schema");
    try {
      return new Schema.Parser().parse(schema);
    } catch (SchemaParseException | NullPointerException e) {
      throw RegistryError.invalidSchema(e.getMessage());
    }
  }

  /** Registers a schema under a subject (or returns the existing id); 409 if incompatible. */
  public synchronized int register(String subject, String schemaText) {
    Schema schema = parse(schemaText);
    String canonical = schema.toString();
    List<Version> live = live(subject);
    for (Version v : live) {
      if (v.schema().equals(canonical)) return v.id();
    }
    List<String> problems = compatibility(subject).check(schema, live.stream().map(v -> parse(v.schema())).toList());
    if (!problems.isEmpty()) {
      throw new RegistryError(409, RegistryError.INCOMPATIBLE_SCHEMA,
          "Schema being registered is incompatible with an earlier schema for subject \"" + subject
              + "\", details: " + problems);
    }
    int id = idsBySchema.getOrDefault(canonical, maxId + 1);
    TreeMap<Integer, Version> all = subjects.get(subject);
    int version = all == null || all.isEmpty() ? 1 : all.lastKey() + 1;
    commit(new RegistryEvent.SchemaVersion(subject, version, id, canonical, false));
    return id;
  }

  /** The live version of a subject holding this schema; 40401 / 40403 otherwise. */
  public synchronized Version lookup(String subject, String schemaText, boolean includeDeleted) {
    String canonical = parse(schemaText).toString();
    TreeMap<Integer, Version> versions = subjects.get(subject);
    if (versions == null || (!includeDeleted && live(subject).isEmpty())) throw RegistryError.subjectNotFound(subject);
    return versions.values().stream()
        .filter(v -> includeDeleted || !v.deleted())
        .filter(v -> v.schema().equals(canonical))
        .findFirst()
        .orElseThrow(() -> RegistryError.schemaNotFound("for subject '" + subject + "'"));
  }

  public synchronized String schemaById(int id) {
    String s = schemasById.get(id);
    if (s == null) throw RegistryError.schemaNotFound("id " + id);
    return s;
  }

  /** (subject, version) pairs that use a schema id. */
  public synchronized List<Version> versionsOfId(int id) {
    schemaById(id);
    List<Version> out = new ArrayList<>();
    subjects.values().forEach(vs -> vs.values().stream().filter(v -> v.id() == id && !v.deleted()).forEach(out::add));
    out.sort(Comparator.comparing(Version::subject).thenComparing(Version::version));
    return out;
  }

  public synchronized List<String> subjects(boolean includeDeleted) {
    return subjects.keySet().stream().filter(s -> includeDeleted || !live(s).isEmpty()).toList();
  }

  public synchronized List<Integer> versions(String subject, boolean includeDeleted) {
    List<Integer> out = subjects.getOrDefault(subject, new TreeMap<>()).values().stream()
        .filter(v -> includeDeleted || !v.deleted()).map(Version::version).toList();
    if (out.isEmpty()) throw RegistryError.subjectNotFound(subject);
    return out;
  }

  /** A version by number, or the newest live one for "latest" / -1. */
  public synchronized Version version(String subject, String versionId, boolean includeDeleted) {
    TreeMap<Integer, Version> versions = subjects.get(subject);
    if (versions == null || (!includeDeleted && live(subject).isEmpty())) throw RegistryError.subjectNotFound(subject);
    int n = parseVersion(versionId);
    if (n == -1) {
      List<Version> l = includeDeleted ? List.copyOf(versions.values()) : live(subject);
      if (l.isEmpty()) throw RegistryError.versionNotFound(subject, versionId);
      return l.get(l.size() - 1);
    }
    Version v = versions.get(n);
    if (v == null || (v.deleted() && !includeDeleted)) throw RegistryError.versionNotFound(subject, n);
    return v;
  }

  /** Soft-deletes (or, after a soft delete, permanently deletes) every version; returns their numbers. */
  public synchronized List<Integer> deleteSubject(String subject, boolean permanent) {
    TreeMap<Integer, Version> versions = subjects.get(subject);
    if (versions == null) throw RegistryError.subjectNotFound(subject);
    List<Integer> nums = List.copyOf(versions.keySet());
    if (permanent) {
      if (!live(subject).isEmpty()) {
        throw new RegistryError(404, RegistryError.SUBJECT_NOT_SOFT_DELETED,
            "Subject '" + subject + "' was not deleted first before being permanently deleted");
      }
      nums.forEach(n -> commit(new RegistryEvent.SchemaVersionRemoved(subject, n)));
      if (subjectConfig.containsKey(subject)) commit(new RegistryEvent.Config(subject, null));
      return nums;
    }
    if (live(subject).isEmpty()) {
      throw new RegistryError(404, RegistryError.SUBJECT_SOFT_DELETED, "Subject '" + subject + "' was soft deleted.");
    }
    List<Integer> deleted = new ArrayList<>();
    for (Version v : List.copyOf(versions.values())) {
      if (!v.deleted()) {
        commit(new RegistryEvent.SchemaVersion(subject, v.version(), v.id(), v.schema(), true));
        deleted.add(v.version());
      }
    }
    return deleted;
  }

  /** Soft- or permanently deletes one version; returns its number. */
  public synchronized int deleteVersion(String subject, String versionId, boolean permanent) {
    Version v = version(subject, versionId, permanent);
    if (permanent) {
      if (!v.deleted()) {
        throw new RegistryError(404, RegistryError.VERSION_NOT_SOFT_DELETED,
            "Subject '" + subject + "' Version " + v.version() + " was not deleted first before being permanently deleted");
      }
      commit(new RegistryEvent.SchemaVersionRemoved(subject, v.version()));
    } else {
      commit(new RegistryEvent.SchemaVersion(subject, v.version(), v.id(), v.schema(), true));
    }
    return v.version();
  }

  /** Incompatibilities of a schema against a subject's version (or all its versions when versionId is null). */
  public synchronized List<String> testCompatibility(String subject, String versionId, String schemaText) {
    Schema schema = parse(schemaText);
    List<Version> live = live(subject);
    if (versionId == null) {
      return compatibility(subject).check(schema, live.stream().map(v -> parse(v.schema())).toList());
    }
    if (live.isEmpty()) {
      if (!subjects.containsKey(subject)) throw RegistryError.subjectNotFound(subject);
      return List.of();
    }
    Version against = version(subject, versionId, false);
    CompatibilityLevel level = compatibility(subject);
    // an explicit version is checked on its own, whatever the transitivity of the level
    CompatibilityLevel single = switch (level) {
      case BACKWARD_TRANSITIVE -> CompatibilityLevel.BACKWARD;
      case FORWARD_TRANSITIVE -> CompatibilityLevel.FORWARD;
      case FULL_TRANSITIVE -> CompatibilityLevel.FULL;
      default -> level;
    };
    return single.check(schema, List.of(parse(against.schema())));
  }

  public synchronized CompatibilityLevel globalCompatibility() {
    return globalConfig;
  }

  /** The subject's own level, or null when it has none. */
  public synchronized CompatibilityLevel subjectCompatibility(String subject) {
    return subjectConfig.get(subject);
  }

  public synchronized CompatibilityLevel compatibility(String subject) {
    return subjectConfig.getOrDefault(subject, globalConfig);
  }

  public synchronized CompatibilityLevel setCompatibility(String subject, String level) {
    CompatibilityLevel parsed = CompatibilityLevel.parse(level);
    commit(new RegistryEvent.Config(subject, parsed.name()));
    return parsed;
  }

  public synchronized CompatibilityLevel deleteCompatibility(String subject) {
    CompatibilityLevel old = subject == null ? globalConfig : subjectConfig.get(subject);
    if (subject != null && old == null) throw RegistryError.subjectNotFound(subject);
    commit(new RegistryEvent.Config(subject, null));
    return old;
  }

  private List<Version> live(String subject) {
    return subjects.getOrDefault(subject, new TreeMap<>()).values().stream().filter(v -> !v.deleted()).toList();
  }

  static int parseVersion(String versionId) {
    if (versionId == null || versionId.equals("latest") || versionId.equals("-1")) return -1;
    try {
      int n = Integer.parseInt(versionId);
      if (n >= 1) return n;
    } catch (NumberFormatException ignored) {
      // fall through to the error below
    }
    throw new RegistryError(422, RegistryError.INVALID_VERSION,
        "The specified version '" + versionId + "' is not a valid version id. Allowed values are between "
            + "[1, 2^31-1] and the string \"latest\"");
  }

  @Override
  public void close() {
    store.close();
  }
}
