# Connect-HubAccount -Proxy, -ProxyCredential and -ProxyUseDefaultCredentials, and HTTP_PROXY.
#
# The setup: the emulator (the Hub) and a forwarding proxy, both on 127.0.0.1. The proxy is the emulator
# started with --forward-proxy (tests/HubEmulator/ForwardProxy.cs, test-only): it forwards absolute-form
# requests to http:// targets and logs each one at GET /_proxy/log; the one started with --user and
# --password answers 407 until Basic credentials arrive. The module allows plain http only for a
# loopback Hub, so the Hub address stays http://127.0.0.1:<port>. .NET could bypass a proxy for
# loopback: with -Proxy the module sets BypassProxyOnLocal = false (as Invoke-RestMethod does), and .NET's
# HTTP_PROXY handling has no loopback exception on Linux and macOS, so the requests really go through the
# proxy, which the proxy's log proves, request by request (the emulator logs the same requests too).
# HTTP_PROXY is read once per process, so those tests run in a fresh pwsh with the variable set.

BeforeDiscovery {
    # Windows reads the system proxy settings, not HTTP_PROXY, unless told to.
    $script:EnvironmentProxyRead = -not $IsWindows
}

BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Hub = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')
    $script:ProxyPassword = 'proxy-pw-' + [guid]::NewGuid().ToString('N')
    $script:OpenProxy = Start-HubEmulator -ArgumentList '--forward-proxy'
    $script:AuthProxy = Start-HubEmulator -ArgumentList '--forward-proxy', '--user', 'proxyuser', '--password', $script:ProxyPassword
    $script:ProxyCredential = [pscredential]::new('proxyuser', (ConvertTo-SecureString $script:ProxyPassword -AsPlainText -Force))
    $script:Account = New-TestAccount -Prefix 'proxy'

    function Get-ProxyLog {
        param([Parameter(Mandatory)] $Proxy)
        # Invoke-RestMethod writes a JSON array as one object; the variable unrolls it.
        $log = Invoke-RestMethod -Uri "$($Proxy.Url)/_proxy/log" -NoProxy
        @($log)
    }

    function Clear-ProxyLog {
        foreach ($proxy in $script:OpenProxy, $script:AuthProxy) {
            Invoke-RestMethod -Method Delete -Uri "$($proxy.Url)/_proxy/log" -NoProxy | Out-Null
        }
    }

    function Connect-Through {
        param([hashtable] $With = @{})
        Connect-HubAccount -Credential $script:Account.Credential -HubUri $script:Hub -PassThru @With
    }
}

AfterAll {
    Disconnect-HubAccount -ErrorAction SilentlyContinue
    $script:OpenProxy, $script:AuthProxy | Stop-HubEmulator
}

Describe 'Connect-HubAccount -Proxy' {
    BeforeEach { Clear-ProxyLog }

    It 'sends the sign-in and every later request of the session through the proxy' {
        $session = Connect-Through @{ Proxy = $OpenProxy.Url }
        $null = Get-HubAccessToken -Session $session

        $seen = Get-ProxyLog $OpenProxy
        @($seen | ForEach-Object { "$($_.method) $($_.url) $($_.status)" }) | Should -Be @(
            "POST $Hub/v2/users/login 200"
            "GET $Hub/v2/access-tokens?page=1&page_size=100 200"
        )
        $session.Proxy | Should -Be ([uri]$OpenProxy.Url)
    }

    It 'stops with HubProxyAuthenticationRequired when the proxy wants credentials and none are given' {
        Clear-HubRequestLog
        $err = Get-TerminatingError { Connect-Through @{ Proxy = $AuthProxy.Url } }

        $err.FullyQualifiedErrorId | Should -BeLike 'HubProxyAuthenticationRequired,*'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.Exception.Message | Should -BeLike '*407*-ProxyCredential*'
        @(Get-ProxyLog $AuthProxy | ForEach-Object status) | Should -Be @(407)
        Get-HubRequestLog -Path '/v2/users/login' | Should -BeNullOrEmpty -Because 'the proxy kept the request from Hub'
    }

    It 'signs in to the proxy with -ProxyCredential, and the proxy password shows nowhere' {
        $all = @(Connect-Through @{ Proxy = $AuthProxy.Url; ProxyCredential = $ProxyCredential; Verbose = $true } 4>&1 3>&1 2>&1)
        $session = $all | Where-Object { $_ -is [DockerHubPat.HubSession] }
        $null = Get-HubAccessToken -Session $session

        $seen = Get-ProxyLog $AuthProxy
        $seen | Where-Object { $_.status -eq 200 -and $_.credential_accepted } | Should -HaveCount 2
        $seen | Where-Object { $_.url -eq "$Hub/v2/users/login" -and $_.status -eq 200 } | Should -HaveCount 1
        $shown = ($all | Out-String) + ($session | Format-List * | Out-String) + "$session" + ($session | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue)
        $shown | Should -Not -BeLike "*$ProxyPassword*"
        $shown | Should -BeLike "*through the proxy $($AuthProxy.Url)*"
    }

    It 'refuses a wrong proxy password with HubProxyAuthenticationRequired' {
        $wrong = [pscredential]::new('proxyuser', (ConvertTo-SecureString 'wrong' -AsPlainText -Force))
        $err = Get-TerminatingError { Connect-Through @{ Proxy = $AuthProxy.Url; ProxyCredential = $wrong } }
        $err.FullyQualifiedErrorId | Should -BeLike 'HubProxyAuthenticationRequired,*'
        $err.Exception.Message | Should -Not -BeLike '*wrong*'
    }

    It 'takes -ProxyUseDefaultCredentials with -Proxy' {
        # Default credentials are Windows ones (Negotiate/NTLM); this proxy needs none.
        $session = Connect-Through @{ Proxy = $OpenProxy.Url; ProxyUseDefaultCredentials = $true }
        $session.Proxy | Should -Be ([uri]$OpenProxy.Url)
        Get-ProxyLog $OpenProxy | Where-Object status -EQ 200 | Should -HaveCount 1
    }

    It 'refuses <Case> before any request (<Id>)' -ForEach @(
        @{ Case = '-ProxyCredential with -ProxyUseDefaultCredentials'; Id = 'HubProxyParameterConflict'; With = { @{ Proxy = $AuthProxy.Url; ProxyCredential = $ProxyCredential; ProxyUseDefaultCredentials = $true } } }
        @{ Case = '-ProxyCredential without -Proxy'; Id = 'HubProxyParameterConflict'; With = { @{ ProxyCredential = $ProxyCredential } } }
        @{ Case = '-ProxyUseDefaultCredentials without -Proxy'; Id = 'HubProxyParameterConflict'; With = { @{ ProxyUseDefaultCredentials = $true } } }
        @{ Case = 'a password in the proxy address'; Id = 'HubProxyInvalid'; With = { @{ Proxy = $AuthProxy.Url -replace '//', "//proxyuser:$ProxyPassword@" } } }
        @{ Case = 'a relative proxy address'; Id = 'HubProxyInvalid'; With = { @{ Proxy = [uri]::new('proxy.example', [UriKind]::Relative) } } }
        @{ Case = 'an ftp proxy'; Id = 'HubProxyInvalid'; With = { @{ Proxy = 'ftp://127.0.0.1:21' } } }
    ) {
        Clear-HubRequestLog
        $err = Get-TerminatingError { Connect-Through (& $With) }

        $err.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Not -BeLike "*$ProxyPassword*"
        Get-HubRequestLog -Path '/v2/users/login' | Should -BeNullOrEmpty
        Get-ProxyLog $OpenProxy | Should -BeNullOrEmpty
        Get-ProxyLog $AuthProxy | Should -BeNullOrEmpty
    }
}

Describe 'The environment''s proxy (HTTP_PROXY, NO_PROXY) without -Proxy' -Skip:(-not $EnvironmentProxyRead) {
    BeforeEach { Clear-ProxyLog }

    It '<Case>' -ForEach @(
        @{ Case = 'HTTP_PROXY sends the session through the proxy'; NoProxy = ''; Through = 2 }
        @{ Case = 'NO_PROXY naming the Hub bypasses it'; NoProxy = '127.0.0.1'; Through = 0 }
    ) {
        $saved = $env:HTTP_PROXY, $env:NO_PROXY, $env:http_proxy, $env:no_proxy
        try {
            # .NET reads the lower-case names first; set both so neither an inherited one nor the other case wins.
            $env:HTTP_PROXY = $env:http_proxy = $OpenProxy.Url
            $env:NO_PROXY = $env:no_proxy = $NoProxy
            $result = Invoke-InFreshPwsh -ArgumentList $Account.Username, $Account.Password {
                param($User, $Password)
                $session = Connect-HubAccount -Credential ([pscredential]::new($User, (ConvertTo-SecureString $Password -AsPlainText -Force))) `
                    -HubUri $env:DOCKERHUBPAT_TEST_HUB -PassThru
                $null = Get-HubAccessToken
                [pscustomobject]@{ Proxy = $session.Proxy }
            }
        }
        finally {
            $env:HTTP_PROXY, $env:NO_PROXY, $env:http_proxy, $env:no_proxy = $saved
        }

        $result.Terminated | Should -BeFalse -Because ($result.Error | Out-String)
        $result.Output[0].Proxy | Should -BeNullOrEmpty -Because 'the session names only a proxy given with -Proxy'
        @(Get-ProxyLog $OpenProxy | Where-Object { $_.url -like "$Hub/v2/*" -and $_.status -eq 200 }) | Should -HaveCount $Through
    }
}
