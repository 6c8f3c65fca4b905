using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace DockerHubPat
{
    /// <summary>
    /// Windows PowerShell 5.1 runs on .NET Framework, which has no load contexts and no binding redirects
    /// for a module. The module's libraries ship in its dependencies folder, which .NET Framework never
    /// probes; this resolves them from there for the module alone. PowerShell 7 loads them into the
    /// module's own load context instead (DockerHubPat.LoadContext), so nothing is registered there.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly Assembly Self = typeof(ModuleInitializer).Assembly;
        private static readonly string DependencyFolder =
            Path.Combine(Path.GetDirectoryName(Self.Location) ?? ".", "dependencies");
        private static readonly Lazy<IReadOnlyList<AssemblyName>> Shipped =
            new Lazy<IReadOnlyList<AssemblyName>>(ReadShipped);

        /// <inheritdoc />
        public void OnImport()
        {
            if (RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal))
            {
                // Removed first so that an import after an import never answers twice.
                AppDomain.CurrentDomain.AssemblyResolve -= ResolveShipped;
                AppDomain.CurrentDomain.AssemblyResolve += ResolveShipped;
            }
        }

        /// <inheritdoc />
        public void OnRemove(PSModuleInfo psModuleInfo) => AppDomain.CurrentDomain.AssemblyResolve -= ResolveShipped;

        private static Assembly? ResolveShipped(object? sender, ResolveEventArgs args)
        {
            var requester = args.RequestingAssembly;
            var fromModule = requester != null && (requester == Self || IsInDependencyFolder(requester));
            var name = ChooseShipped(new AssemblyName(args.Name), requester == null ? (bool?)null : fromModule, Shipped.Value);
            return name == null ? null : Assembly.LoadFrom(Path.Combine(DependencyFolder, name.Name + ".dll"));
        }

        /// <summary>
        /// Which shipped library, if any, answers a request. A request from the module (or from one of its
        /// libraries) gets the shipped one when it is the same library at the same or a higher version,
        /// as a binding redirect would. A request whose asker .NET Framework does not say
        /// (<paramref name="fromModule"/> null) gets only exactly what it named, so another module that
        /// wants its own version of a library never receives ours. Any other request is not ours to answer.
        /// </summary>
        internal static AssemblyName? ChooseShipped(AssemblyName requested, bool? fromModule, IEnumerable<AssemblyName> shipped)
        {
            if (fromModule == false)
            {
                return null;
            }
            var candidate = shipped.FirstOrDefault(s => string.Equals(s.Name, requested.Name, StringComparison.OrdinalIgnoreCase));
            if (candidate == null || !SameCultureAndKey(requested, candidate))
            {
                return null;
            }
            if (fromModule == null)
            {
                return requested.Version == null || requested.Version == candidate.Version ? candidate : null;
            }
            return requested.Version == null || candidate.Version >= requested.Version ? candidate : null;
        }

        private static bool SameCultureAndKey(AssemblyName requested, AssemblyName candidate)
        {
            var requestedKey = requested.GetPublicKeyToken() ?? Array.Empty<byte>();
            var candidateKey = candidate.GetPublicKeyToken() ?? Array.Empty<byte>();
            // A request that names no culture or key accepts any, as the loader does.
            return (string.IsNullOrEmpty(requested.CultureName) || requested.CultureName == candidate.CultureName)
                && (requestedKey.Length == 0 || requestedKey.SequenceEqual(candidateKey));
        }

        private static bool IsInDependencyFolder(Assembly assembly)
        {
            if (assembly.IsDynamic || string.IsNullOrEmpty(assembly.Location))
            {
                return false;
            }
            var folder = Path.GetDirectoryName(assembly.Location);
            return string.Equals(Path.GetFullPath(folder ?? string.Empty), Path.GetFullPath(DependencyFolder), StringComparison.OrdinalIgnoreCase);
        }

        private static IReadOnlyList<AssemblyName> ReadShipped()
        {
            if (!Directory.Exists(DependencyFolder))
            {
                return Array.Empty<AssemblyName>();
            }
            return Directory.EnumerateFiles(DependencyFolder, "*.dll").Select(AssemblyName.GetAssemblyName).ToList();
        }
    }
}
