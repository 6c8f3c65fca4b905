using System;
using System.Management.Automation;
using Flurl;
using Flurl.Http;

namespace OldFlurl
{
    /// <summary>
    /// Fetches a page with Flurl.Http 2.x's own API. Its GetStringAsync takes the cancellation token
    /// first; Flurl.Http 4 swapped the parameters, so this call fails with MissingMethodException when
    /// the session binds this module to someone else's newer Flurl.Http.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "OldFlurlPage")]
    [OutputType(typeof(PSObject))]
    public sealed class GetOldFlurlPageCommand : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        public Uri BaseUri { get; set; } = null!;

        [Parameter(Mandatory = true, Position = 1)]
        public string[] PathSegment { get; set; } = Array.Empty<string>();

        protected override void ProcessRecord()
        {
            Url url = BaseUri.ToString().AppendPathSegments(PathSegment);
            string body = url.GetStringAsync().GetAwaiter().GetResult();
            var result = new PSObject();
            result.Properties.Add(new PSNoteProperty("Url", url.ToString()));
            result.Properties.Add(new PSNoteProperty("Body", body));
            result.Properties.Add(new PSNoteProperty("FlurlHttpVersion", typeof(FlurlClient).Assembly.GetName().Version.ToString()));
            WriteObject(result);
        }
    }
}
