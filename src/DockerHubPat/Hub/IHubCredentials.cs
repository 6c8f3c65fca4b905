using System.Threading;
using System.Threading.Tasks;

namespace DockerHubPat.Hub
{
    /// <summary>
    /// What the client needs of a signed-in account: the bearer for the next request, and a new
    /// one after Hub refused it. The session implements it; the client knows nothing else of it.
    /// </summary>
    internal interface IHubCredentials
    {
        /// <summary>The Docker Hub account, for messages.</summary>
        string Username { get; }

        /// <summary>The bearer for the next request, renewed first when it is about to expire.</summary>
        Task<string> BearerAsync(CancellationToken cancel);

        /// <summary>Signs in again after Hub refused <paramref name="refused"/>; false when that would need a human.</summary>
        Task<bool> RenewAsync(string refused, CancellationToken cancel);
    }
}
