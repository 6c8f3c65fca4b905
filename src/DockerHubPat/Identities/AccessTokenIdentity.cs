using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;

namespace DockerHubPat
{
    /// <summary>
    /// What -Id takes: a token id given as a Guid, as text, or as a token object. A piped
    /// HubAccessToken keeps its label for the confirmation message, with no cache behind it; a
    /// CSV row gives its Id or Uuid column. Scripts can build one too: [DockerHubPat.AccessTokenIdentity]'…'.
    /// </summary>
    public sealed class AccessTokenIdentity
    {
        /// <summary>A token id.</summary>
        public AccessTokenIdentity(Guid id) => Id = Checked(id);

        /// <summary>A token id as text, such as 1b4e28ba-2fa1-11d2-883f-0016d3cca427.</summary>
        public AccessTokenIdentity(string id)
        {
            if (!Guid.TryParse(id?.Trim(), out var parsed))
            {
                throw new PSArgumentException(
                    $"'{id}' is not an access token id. A token id is a GUID such as 1b4e28ba-2fa1-11d2-883f-0016d3cca427; Get-HubAccessToken shows them.");
            }

            Id = Checked(parsed);
        }

        /// <summary>A token as Get-HubAccessToken or New-HubAccessToken output it; its label is kept.</summary>
        public AccessTokenIdentity(HubAccessToken token)
        {
            Id = token.Id;
            Label = token.Label;
            Token = token;
        }

        /// <summary>An organization token as Get-HubOrgAccessToken or New-HubOrgAccessToken output it; its label is kept.</summary>
        public AccessTokenIdentity(HubOrgAccessToken token)
        {
            Id = token.Id;
            Label = token.Label;
            Token = token;
        }

        // No token has the empty GUID; sending it would only earn a 404 after a round trip.
        private static Guid Checked(Guid id) =>
            Input.TokenIdProblem(id) is string problem ? throw new PSArgumentException(problem) : id;

        /// <summary>The token's id on Hub.</summary>
        public Guid Id { get; }

        /// <summary>The token object the input was, if it was one.</summary>
        internal IHubToken? Token { get; }

        /// <summary>The token's label when the input carried it; null otherwise.</summary>
        public string? Label { get; }

        /// <summary>The id, as it would be typed.</summary>
        public override string ToString() => Id.ToString();

        /// <summary>"access token 'label' (id)", or "access token id" when the label is not known.</summary>
        internal string Describe() => Label is null ? $"access token {Id}" : $"access token '{Label}' ({Id})";

        /// <summary>The identity of anything -Id accepts; any other object with an Id or Uuid property too.</summary>
        internal static AccessTokenIdentity From(object? input)
        {
            var value = input is PSObject ps ? ps.BaseObject : input;
            switch (value)
            {
                case AccessTokenIdentity identity:
                    return identity;
                case HubAccessToken token:
                    return new AccessTokenIdentity(token);
                case HubOrgAccessToken token:
                    return new AccessTokenIdentity(token);
                case Guid id:
                    return new AccessTokenIdentity(id);
                // A CSV row or Hub JSON from elsewhere: pipeline input binds by value first, so the property is read here.
                case PSCustomObject _ when IdProperty(input!) is object id:
                    return From(id);
                default:
                    return new AccessTokenIdentity(value?.ToString() ?? "");
            }
        }

        private static object? IdProperty(object input)
        {
            var properties = PSObject.AsPSObject(input).Properties;
            return (properties["Id"] ?? properties["Uuid"])?.Value;
        }
    }

    /// <summary>
    /// Builds the identities at binding time, so a wrong id fails there with the module's own
    /// words (ParameterArgumentTransformationError): PowerShell's conversion of a compiled
    /// cmdlet's parameter would report CannotConvertArgumentNoMessage, and a piped row with a bad
    /// Uuid would only be "not bound".
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class AccessTokenIdentityTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            try
            {
                var value = inputData is PSObject ps ? ps.BaseObject : inputData;
                return value is IEnumerable items && !(value is string)
                    ? items.Cast<object>().Select(AccessTokenIdentity.From).ToArray()
                    : (object)AccessTokenIdentity.From(inputData);
            }
            catch (PSArgumentException ex)
            {
                throw new ArgumentTransformationMetadataException(ex.Message, ex);
            }
        }
    }
}
