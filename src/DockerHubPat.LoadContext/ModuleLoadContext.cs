using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace DockerHubPat.LoadContext
{
    /// <summary>
    /// The load context DockerHubPat.dll and its third-party libraries live in on PowerShell 7.
    /// </summary>
    /// <remarks>
    /// Another module in the session may load a different Flurl.Http (or Flurl, or Otp.NET) into the
    /// default context, before or after us. A resolver on the default context cannot help once a lower
    /// version is there: binding fails before any resolver is asked. So the code that uses these
    /// libraries is itself loaded here, and this context answers for them from the module's own
    /// dependencies folder. Everything else (PowerShell, the .NET platform) comes from the default
    /// context, so the types the module and PowerShell exchange stay the same types.
    /// This assembly sits in the default context and must not change shape between releases: when two
    /// copies of DockerHubPat are imported, whichever loader loaded first serves both.
    /// </remarks>
    public sealed class ModuleLoadContext : AssemblyLoadContext
    {
        // The module's own libraries. The other dlls in the dependencies folder are .NET Framework
        // back-ports that only Windows PowerShell needs; PowerShell 7's platform has newer ones.
        private static readonly HashSet<string> Isolated = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "Flurl", "Flurl.Http", "Otp.NET",
        };

        // One context per module file: a second installed version gets its own, and a re-import of
        // the same one reuses it, because an assembly can never be loaded twice into one context.
        private static readonly ConcurrentDictionary<string, Lazy<ModuleLoadContext>> ByModuleFile =
            new ConcurrentDictionary<string, Lazy<ModuleLoadContext>>(StringComparer.Ordinal);

        private readonly string _dependencyFolder;

        private ModuleLoadContext(string moduleFile)
            : base("DockerHubPat " + moduleFile, isCollectible: false)
        {
            _dependencyFolder = Path.Combine(Path.GetDirectoryName(moduleFile)!, "dependencies");
            ModuleAssembly = LoadFromAssemblyPath(moduleFile);
        }

        /// <summary>DockerHubPat.dll as loaded into this context.</summary>
        public Assembly ModuleAssembly { get; }

        /// <summary>
        /// Loads the module assembly at <paramref name="moduleFile"/> into its own context, once.
        /// </summary>
        public static Assembly LoadModule(string moduleFile)
        {
            string fullPath = Path.GetFullPath(moduleFile);
            return ByModuleFile.GetOrAdd(fullPath, path => new Lazy<ModuleLoadContext>(() => new ModuleLoadContext(path)))
                .Value.ModuleAssembly;
        }

        /// <summary>The names of the libraries this context loads itself rather than share.</summary>
        public static IReadOnlyCollection<string> IsolatedAssemblyNames => Isolated;

        /// <inheritdoc />
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (assemblyName.Name is null || !Isolated.Contains(assemblyName.Name))
            {
                return null;
            }
            string path = Path.Combine(_dependencyFolder, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
