using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using DockerHubPat.Hub;

namespace DockerHubPat
{
    /// <summary>Input that describes an organization access token and is wrong before any request is sent.</summary>
    internal sealed class TokenInputException : ArgumentException
    {
        public TokenInputException(string errorId, string message, object? target)
            : base(message)
        {
            ErrorId = errorId;
            Target = target;
        }

        public string ErrorId { get; }

        public object? Target { get; }
    }

    /// <summary>Checks of what the organization token cmdlets are given, done before any request (Hub's own rules, from its docs).</summary>
    internal static class OrgTokenInput
    {
        public const int MaxRepositories = 50;
        public const string PublicRepositories = "*/*/public";

        // org/repo or org/*: Hub's names are lower-case letters and digits, repositories also with single . _ - between.
        private static readonly Regex RepositoryPath = new Regex(@"^(?<org>[a-z0-9][a-z0-9_-]*)/(?<repo>\*|[a-z0-9]+(?:[._-][a-z0-9]+)*)$",
            RegexOptions.CultureInvariant);

        /// <summary>Hub's spelling of an organization name: lower case, no spaces around it.</summary>
        public static string OrganizationName(string name) => name.Trim().ToLowerInvariant();

        /// <summary>At most 200 characters as Hub counts them, one line of text (see <see cref="Input.DescriptionProblem"/>).</summary>
        public static void CheckDescription(string? description)
        {
            if (Input.DescriptionProblem(description) is string problem)
            {
                throw new TokenInputException(ErrorIds.AccessTokenDescriptionInvalid, problem, description);
            }
        }

        /// <summary>
        /// The resources -Repository/-RepositoryScope, -OrganizationScope and -Resource describe,
        /// checked as Hub would check them; null when none of them was given.
        /// </summary>
        /// <param name="warn">Told about scopes this module does not know; they are sent as given, as Docker adds scopes.</param>
        public static IReadOnlyList<HubOrgAccessTokenResource>? Resources(string organization, string[]? repository, string[]? repositoryScope,
            string[]? organizationScope, HubOrgAccessTokenResource[]? resource, Action<string> warn)
        {
            if (repositoryScope != null && repository is null)
            {
                throw Invalid("-RepositoryScope needs -Repository: give the repositories the scopes are for, such as -Repository acme/app.", repositoryScope);
            }

            if (repository is null && organizationScope is null && resource is null)
            {
                return null;
            }

            var scopes = repositoryScope ?? new[] { OrgAccessTokenScopes.ImagePull };
            var all = (repository ?? new string[0]).Select(path => new HubOrgAccessTokenResource(HubOrgAccessTokenResource.Repository, path, scopes))
                .Concat(organizationScope is null ? new HubOrgAccessTokenResource[0]
                    : new[] { new HubOrgAccessTokenResource(HubOrgAccessTokenResource.Organization, organization, organizationScope) })
                .Concat(resource ?? new HubOrgAccessTokenResource[0])
                .Select(r => Checked(organization, r, warn))
                .ToList();

            var repositories = all.Count(r => r.Type == HubOrgAccessTokenResource.Repository);
            if (repositories > MaxRepositories)
            {
                throw Invalid($"A token can reach at most {MaxRepositories} repository paths; {repositories} were given. Use a path such as {organization}/* for all of the organization's repositories.", repositories);
            }

            if (all.Count(r => r.Type == HubOrgAccessTokenResource.Organization) > 1)
            {
                throw Invalid("A token has at most one organization resource; give the organization's scopes once (-OrganizationScope, or one -Resource of type Organization).", organizationScope);
            }

            var twice = all.GroupBy(r => (r.Type, r.Path), r => r).FirstOrDefault(g => g.Count() > 1);
            if (twice != null)
            {
                throw Invalid($"The {twice.Key.Type.ToLowerInvariant()} '{twice.Key.Path}' is given more than once; give each path once with all its scopes.", twice.Key.Path);
            }

            return all;
        }

        /// <summary>A token needs at least one resource.</summary>
        public static IReadOnlyList<HubOrgAccessTokenResource> Required(IReadOnlyList<HubOrgAccessTokenResource>? resources, string organization) =>
            resources != null && resources.Count > 0 ? resources
            : throw Invalid("A token needs something to reach: give -Repository (with -RepositoryScope), -OrganizationScope or -Resource, " +
                $"for example -Repository {organization}/app -RepositoryScope scope-image-pull.", null);

        // A copy in Hub's spelling: the type in the module's words, the path lower case, the scopes checked.
        private static HubOrgAccessTokenResource Checked(string organization, HubOrgAccessTokenResource resource, Action<string> warn)
        {
            if (resource is null)
            {
                throw Invalid("A resource is empty ($null).", null);
            }

            var hubType = HubOrgAccessTokenResource.ToHubType(resource.Type?.Trim());
            var type = hubType == HubOrgAccessTokenResource.HubRepository ? HubOrgAccessTokenResource.Repository
                : hubType == HubOrgAccessTokenResource.HubOrganization ? HubOrgAccessTokenResource.Organization
                : throw Invalid($"'{resource.Type}' is not a resource type; use Repository or Organization.", resource);
            var path = (resource.Path ?? "").Trim().ToLowerInvariant();
            if (type == HubOrgAccessTokenResource.Organization)
            {
                path = path.Length == 0 ? organization : path;
                if (path != organization)
                {
                    throw Invalid($"An organization resource of a token of '{organization}' has the path '{organization}', not '{resource.Path}'.", resource);
                }
            }
            else
            {
                CheckRepositoryPath(organization, path, resource.Path);
            }

            var scopes = (resource.Scopes ?? new string[0]).Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim().ToLowerInvariant()).Distinct().ToArray();
            if (scopes.Length == 0)
            {
                throw Invalid($"The {type.ToLowerInvariant()} '{path}' has no scopes; give at least one, such as {(type == HubOrgAccessTokenResource.Repository ? OrgAccessTokenScopes.ImagePull : "scope-repository-list")}.", resource);
            }

            foreach (var scope in scopes)
            {
                CheckScope(scope, warn);
            }

            if (path == PublicRepositories && scopes.Any(s => s != OrgAccessTokenScopes.ImagePull))
            {
                throw Invalid($"'{PublicRepositories}' (every public repository) allows only {OrgAccessTokenScopes.ImagePull}.", resource);
            }

            return new HubOrgAccessTokenResource(type, path, scopes);
        }

        private static void CheckRepositoryPath(string organization, string path, string? given)
        {
            if (path == PublicRepositories)
            {
                return;
            }

            var match = RepositoryPath.Match(path);
            if (!match.Success)
            {
                throw Invalid($"'{given}' is not a repository path. Use {organization}/<repository>, {organization}/* for all of its repositories, " +
                    $"or {PublicRepositories} for every public repository.", given);
            }

            if (match.Groups["org"].Value != organization)
            {
                throw Invalid($"'{given}' is not a repository of '{organization}'; a token of '{organization}' reaches only its repositories " +
                    $"({organization}/<repository> or {organization}/*) and public ones ({PublicRepositories}).", given);
            }
        }

        private static void CheckScope(string scope, Action<string> warn)
        {
            if (!scope.StartsWith(OrgAccessTokenScopes.Prefix, StringComparison.Ordinal))
            {
                var guess = OrgAccessTokenScopes.Prefix + scope;
                throw Invalid($"'{scope}' is not an organization access token scope: they start with '{OrgAccessTokenScopes.Prefix}'" +
                    (OrgAccessTokenScopes.IsKnown(guess) ? $" (did you mean {guess}?)." : $", such as {OrgAccessTokenScopes.ImagePull}."), scope);
            }

            if (!OrgAccessTokenScopes.IsKnown(scope))
            {
                warn($"'{scope}' is not a scope this module knows; it is sent as given, because Docker adds scopes. Docker Hub refuses it if it does not exist.");
            }
        }

        private static TokenInputException Invalid(string message, object? target) =>
            new TokenInputException(ErrorIds.AccessTokenResourceInvalid, message, target);
    }

    /// <summary>Refuses an empty organization name at parameter binding.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class ValidateOrganizationNameAttribute : ValidateArgumentsAttribute
    {
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            var name = (arguments as string ?? "").Trim();
            if (name.Length == 0 || name.IndexOfAny(new[] { '/', ' ', '\t' }) >= 0)
            {
                throw new ValidationMetadataException($"'{arguments}' is not an organization name; Docker Hub's are lower-case letters and digits, such as acme.");
            }
        }
    }
}
